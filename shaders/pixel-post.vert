// Pixel pass, fullscreen triangle: clip-space positions straight through (no camera).
void main() {
  gl_Position = vec4(position.xy, 0.0, 1.0);
}
