// Shared by the voxel vertex shaders (chunk meshes have an identity model matrix): pushes each
// quad corner out within its plane, along `seam`, by a margin that grows with distance, so the
// T-junctions of greedy meshing cannot open sub-pixel cracks that show the sky.
attribute vec3 seam;
uniform float uSeamPerMetre;

vec3 voxelSeam(vec3 p) {
  vec3 world = (modelMatrix * vec4(p, 1.0)).xyz;
  return p + seam * (0.002 + uSeamPerMetre * distance(world, cameraPosition));
}
