// ThumbHash (https://evanw.github.io/thumbhash/): a ~25-byte summary of a small image from which
// a browser paints a blurred placeholder (colours, shape, alpha) until the thumbnail arrives.
// The format is defined by its reference implementation (npm `thumbhash`); the test compares this
// encoder with it byte for byte.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace noisett::image {

inline constexpr int kThumbHashMaxSide = 100;

// The ThumbHash of `width` x `height` RGBA pixels (not premultiplied, row by row, 4 bytes each).
// Pure. Requires 1..100 on each side and rgba.size() == width * height * 4; an empty string
// otherwise.
std::string RgbaToThumbHash(int width, int height, std::span<const uint8_t> rgba);

}  // namespace noisett::image
