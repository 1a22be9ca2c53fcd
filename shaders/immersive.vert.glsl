// Immersive exhibition: the hall's surfaces carry art coordinates (u along the walls in
// projection heights, v up them; the floor and ceiling in the same units) and a brightness.
attribute vec2 art;
attribute float shade;
varying vec2 vArt;
varying float vShade;
#include <fog_pars_vertex>

void main() {
  vArt = art;
  vShade = shade;
  vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mvPosition;
  #include <fog_vertex>
}
