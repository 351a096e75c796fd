// How both catalogs keep an image's renditions: one nullable text column,
// `renditions`, beside `rendition_bytes` (their sum, for Totals). NULL is
// kNone, "pending" is kPending, anything else is kReady: space-separated
// "FORMAT:SIZE:WIDTHxHEIGHT:BYTES" items ("" when none were made). One text
// column keeps the image row the unit every read already loads: a list needs no
// second query per image.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "core/result.h"

namespace noisett::catalog {

inline constexpr std::string_view kRenditionsPending = "pending";

// The column's value for `image` (nullopt: NULL).
std::optional<std::string> RenditionColumn(const ImageRecord &image);
// The list's text alone, as the column holds it for kReady.
std::string RenditionListText(const std::vector<Rendition> &renditions);
// Fills image.renditions_state and image.renditions from the column. A value
// this code did not write (edited by hand) reads as kNone rather than failing
// every list that holds the image.
void ReadRenditionColumn(const std::optional<std::string_view> &column, ImageRecord &image);

uint64_t RenditionBytes(const std::vector<Rendition> &renditions);

// kInvalidArgument "bad_rendition": a format other than avif/webp, a size other
// than 256/512/1024/2048, a width or height outside 1..size, or a (format,
// size) twice.
Status ValidateRenditions(const std::vector<Rendition> &renditions);

}  // namespace noisett::catalog
