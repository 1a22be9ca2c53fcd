// Wind for instanced vegetation: declarations, injected after <common> by src/world/hd/wind.ts.
uniform float uWindTime;
uniform vec2 uWindDirection;
uniform float uWindStrength;
// 0 at the roots, 1 where a blade or branch moves freely.
attribute float windWeight;
