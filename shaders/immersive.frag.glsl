// Immersive exhibition: two works over the hall's walls, floor and ceiling, the second coming
// in through an ink-like dissolve while both drift slowly along the walls. With reduced motion
// (uFlow = 0) nothing drifts or ripples and the change is a plain cross-fade.
uniform sampler2D uFrom;
uniform sampler2D uTo;
/** Width over height of each work: a work spans `aspect` projection heights along the walls. */
uniform float uFromAspect;
uniform float uToAspect;
/** 0 → 1 through a transition. */
uniform float uMix;
/** Seconds on the shared clock (the same for every visitor). */
uniform float uTime;
/** 1: works drift and ripple; 0: still (reduced motion). */
uniform float uFlow;
/** Overall brightness of the projection. */
uniform float uGain;
varying vec2 vArt;
varying float vShade;
#include <fog_pars_fragment>

float hash(vec2 p) {
  return fract(sin(dot(p, vec2(127.1, 311.7))) * 43758.5453);
}

float noise(vec2 p) {
  vec2 i = floor(p);
  vec2 f = fract(p);
  vec2 u = f * f * (3.0 - 2.0 * f);
  return mix(mix(hash(i), hash(i + vec2(1.0, 0.0)), u.x),
             mix(hash(i + vec2(0.0, 1.0)), hash(i + vec2(1.0, 1.0)), u.x), u.y);
}

/**
 * The work's colour at art coordinates `a`, mirrored each way so it runs on without a seam:
 * along the walls from one copy to the next, and across the floor and ceiling.
 */
vec3 work(sampler2D tex, float aspect, vec2 a) {
  vec2 k = mod(vec2(a.x / aspect, a.y), 2.0);
  vec2 uv = mix(k, 2.0 - k, step(1.0, k));
  return texture2D(tex, clamp(uv, 0.001, 0.999)).rgb;
}

void main() {
  float t = uTime * uFlow;
  // A slow drift along the walls, and a gentle swell like light on moving water.
  vec2 a = vArt + vec2(t * 0.02, 0.0);
  a += uFlow * 0.012 * vec2(sin(vArt.y * 5.0 + t * 0.35), sin(vArt.x * 4.0 + t * 0.27));
  vec3 from = work(uFrom, uFromAspect, a);
  vec3 to = work(uTo, uToAspect, a);
  // Ink spreading through water: the new work comes in where the noise is lowest first.
  float n = noise(vArt * 2.5) * 0.65 + noise(vArt * 9.0) * 0.35;
  float w = 0.12;
  float ink = smoothstep(n - w, n + w, uMix * (1.0 + 2.0 * w) - w);
  float k = mix(uMix, ink, uFlow);
  vec3 color = mix(from, to, k) * vShade * uGain;
  gl_FragColor = vec4(color, 1.0);
  #include <colorspace_fragment>
  #include <fog_fragment>
}
