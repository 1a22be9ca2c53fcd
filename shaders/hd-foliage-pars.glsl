// Declarations for hd-foliage-color.glsl, injected after <common>.
// 1 on leaves and needles, 0 on trunks and branches.
attribute float foliage;
