// Pixel pass: upscales the low-resolution frame with whole screen pixels per texel, posterizes it
// to a small palette and draws dark outlines at depth steps.
uniform sampler2D tColor;
uniform sampler2D tDepth;
// Low-resolution target size in texels, and drawing-buffer pixels per texel.
uniform vec2 uSize;
uniform float uPixel;
uniform float uNear;
uniform float uFar;
uniform float uPerspective;
// Levels per channel, and how much an outline darkens.
uniform float uLevels;
uniform float uOutline;

float viewDepth(vec2 texel) {
  float d = texture2D(tDepth, (texel + 0.5) / uSize).x;
  if (uPerspective > 0.5) return (uNear * uFar) / (uFar - d * (uFar - uNear));
  return uNear + d * (uFar - uNear);
}

vec3 toSRGB(vec3 c) {
  return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c));
}

void main() {
  vec2 texel = floor(gl_FragCoord.xy / uPixel);
  // The colour target is sRGB-encoded, so this sample is linear: quantize after encoding.
  vec3 c = toSRGB(clamp(texture2D(tColor, (texel + 0.5) / uSize).rgb, 0.0, 1.0));
  // No dithering: flat colours stay flat, and fog falls off in visible bands, as in pixel art.
  c = floor(c * uLevels + 0.5) / uLevels;

  // Outline the near side of a depth step, so lines are one texel thick and hug the object.
  float d = viewDepth(texel);
  float far = max(
    max(viewDepth(texel + vec2(1.0, 0.0)), viewDepth(texel - vec2(1.0, 0.0))),
    max(viewDepth(texel + vec2(0.0, 1.0)), viewDepth(texel - vec2(0.0, 1.0)))
  );
  float edge = step(0.08 * d + 0.5, far - d);
  c *= 1.0 - uOutline * edge;
  gl_FragColor = vec4(c, 1.0);
}
