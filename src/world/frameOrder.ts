// The order of the frame: every useFrame names its row here. R3F runs frame callbacks by
// ascending priority (callbacks of equal priority in mount order), and any positive priority
// takes rendering over from R3F, so only the render passes may be above zero. The engine and the
// features import it; it imports nothing.
export const FRAME = {
  /**
   * The frame probe (app/FrameProbe.tsx) first of all: it reads what the renderer drew in the
   * whole previous frame (shadow, scene, pixel and post passes) and resets the counters.
   */
  probe: -1000,
  /**
   * Remote interpolation (avatar/RemoteAvatars.tsx): every remote avatar moves to where its
   * buffer says it is now, before any avatar poses itself.
   */
  remotes: -10,
  /**
   * VR input (xr/XrSession.tsx, only while in VR): the thumbsticks into the visitor's input,
   * the head's facing into the camera rig's yaw, snap or smooth turns and teleports, so the
   * controller row steps this frame's VR input like any other.
   */
  xrInput: -2,
  /**
   * The local controller and camera (avatar/LocalPlayer.tsx): input resolved, motion stepped
   * against the collider, camera placed, so that everything after reads this frame's motion
   * and view (the network sender reads the same motion on its own timer).
   */
  controller: -1,
  /**
   * The VR origin (xr/XrSession.tsx, only while in VR) to the feet the controller has just
   * moved, and the comfort vignette to this frame's speed and turning; before anything draws.
   */
  xrView: -0.75,
  /**
   * Voice (voice/Speakers.tsx): the audio listener to the visitor's head, facing along the
   * camera, and each voice's panner to its avatar; after the camera is placed and the remotes
   * moved, so what is heard matches what is drawn this frame.
   */
  voice: -0.5,
  /**
   * The scene: avatars posing, world animation (wind, water, the start scene), markers and
   * point-of-interest proximity, the click target, exhibits, models and their labels, the stage
   * screen and its audience gate, reactions. They only read motion and camera, so their order
   * among themselves does not matter. Zero keeps R3F's own render.
   */
  scene: 0,
  /**
   * The render passes, last: post-processing (world/hd/PostFx.tsx) or the pixel pass
   * (world/voxel/PixelPass.tsx), one at a time. Positive: they take rendering over.
   */
  render: 1,
} as const
