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

// The ThumbHash of an 8-bit image of 3 (RGB) or 4 (RGBA) bands of any size, each output pixel
// the box average of the input pixels it covers once the image is fitted inside 100 x 100 (what
// the hash keeps is far coarser than that). Pure; empty for an empty image or other band counts.
std::string ThumbHashOfPixels(const uint8_t* pixels, int width, int height, int bands,
                              size_t stride);

}  // namespace noisett::image
