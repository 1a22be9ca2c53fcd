import { describe, expect, it } from 'vitest'
import { NO_JANUS_REASON } from './janus'
import { publicReason } from './service'

describe('what visitors are told when voice is off', () => {
  it('says how to get Janus, without the server path JANUS_BIN named', () => {
    const told = publicReason(`JANUS_BIN=/opt/secret/janus does not exist. ${NO_JANUS_REASON}`)
    expect(told).toBe(NO_JANUS_REASON)
    expect(told).not.toContain('/opt/secret')
  })

  it('keeps internal addresses and errors in the log, not in the answer', () => {
    for (const internal of [
      'cannot reach the media server at ws://10.1.2.3:8188: ECONNREFUSED',
      'the media server did not start: spawn /usr/local/janus EACCES',
      'voice cannot write its config: EACCES /srv/data/janus',
    ]) {
      const told = publicReason(internal)
      expect(told).not.toMatch(/10\.1\.2\.3|\/usr|\/srv|EACCES|ECONNREFUSED/)
      expect(told).toMatch(/not available/)
    }
  })

  it('passes the plain reasons through', () => {
    expect(publicReason('voice is starting')).toBe('voice is starting')
    expect(publicReason('voice is turned off on this server (VOICE=off)')).toMatch(/VOICE=off/)
  })
})
