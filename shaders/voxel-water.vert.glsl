// Block Park water (ShaderMaterial with vertexColors and fog): passes colour, world position and
// normal on; three prepends the matrices and the position/normal/color attributes.
#include <common>
#include <fog_pars_vertex>

varying vec3 vColor;
varying vec3 vWorld;
varying vec3 vNormal;

void main() {
  vColor = color;
  // voxelSeam comes from voxel-seam.glsl, spliced in after <common>.
  vec4 world = modelMatrix * vec4(voxelSeam(position), 1.0);
  vWorld = world.xyz;
  vNormal = normalize(mat3(modelMatrix) * normal);
  vec4 mvPosition = viewMatrix * world;
  gl_Position = projectionMatrix * mvPosition;
  #include <fog_vertex>
}
