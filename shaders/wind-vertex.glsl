// Wind sway, injected after <begin_vertex>: a slow gust plus two faster waves, phased by the
// plant's world position (and height, so a tree bends rather than tilts).
{
#ifdef USE_INSTANCING
  vec3 windRoot = instanceMatrix[3].xyz;
#else
  vec3 windRoot = modelMatrix[3].xyz;
#endif
  float windPhase = dot(windRoot.xz, vec2(0.11, 0.07)) + position.y * 0.35;
  float windGust = 0.55 + 0.45 * sin(uWindTime * 0.35 + dot(windRoot.xz, uWindDirection) * 0.015);
  float windWave = sin(uWindTime * 1.7 + windPhase) * 0.7 + sin(uWindTime * 3.1 + windPhase * 1.9) * 0.3;
  vec2 windOffset = uWindDirection * (windWave * 0.6 + windGust * 0.5) * windWeight * uWindStrength;
#ifdef USE_INSTANCING
  // The offset is meant in world space: undo the instance's rotation and uniform scale.
  mat3 windBasis = mat3(instanceMatrix);
  vec3 windLocal = transpose(windBasis) * vec3(windOffset.x, 0.0, windOffset.y) / dot(windBasis[0], windBasis[0]);
#else
  vec3 windLocal = vec3(windOffset.x, 0.0, windOffset.y);
#endif
  transformed += windLocal;
  // Bending shortens a little, so tips dip as they sway.
  transformed.y -= dot(windLocal, windLocal) * 0.15;
}
