// Replaces <color_vertex> for trees: the instance colour tints only the foliage (attribute
// `foliage` = 1), so a red maple keeps a brown trunk.
#if defined( USE_COLOR ) || defined( USE_INSTANCING_COLOR )
  vColor = vec4( 1.0 );
#endif
#ifdef USE_COLOR
  vColor.rgb *= color;
#endif
#ifdef USE_INSTANCING_COLOR
  vColor.rgb *= mix( vec3( 1.0 ), instanceColor.rgb, foliage );
#endif
