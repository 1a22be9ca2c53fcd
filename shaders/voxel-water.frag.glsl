// Block Park water: palette colour lit by the sun, with drifting ripple bands that switch on and
// off in steps (they read as pixel-art highlights) and fog. uTime stands still for reduced motion.
#include <common>
#include <fog_pars_fragment>

uniform float uTime;
uniform vec3 uSunDir;
uniform float uOpacity;

varying vec3 vColor;
varying vec3 vWorld;
varying vec3 vNormal;

void main() {
  vec3 n = normalize(vNormal);
  float light = 0.6 + 0.4 * max(dot(n, uSunDir), 0.0);
  // Greedy quads are large, so the waves live here rather than in moved vertices.
  float w = sin(vWorld.x * 0.9 + uTime * 1.3) + sin(vWorld.z * 0.7 - uTime * 1.1) +
    sin((vWorld.x + vWorld.z) * 0.45 + uTime * 0.7);
  float ripple = step(1.7, w) * 0.14 * max(n.y, 0.0);
  gl_FragColor = vec4(vColor * light + ripple, uOpacity);
  #include <tonemapping_fragment>
  #include <colorspace_fragment>
  #include <fog_fragment>
}
