// FileSpan: bytes that stay in an open file, for a reader that can hand them on without copying
// them into memory (the HTTP server sends such a body with sendfile(2)). A plain value: who opened
// the file, and how it is closed, stay with whoever made the span, behind `keep`.
#pragma once

#include <cstdint>
#include <memory>

namespace noisett {

struct FileSpan {
  // Holds `fd` open while any copy of the span lives; the bytes [offset, offset + length) of the
  // file must not change meanwhile (the local store's data files are never rewritten).
  std::shared_ptr<const void> keep;
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;
};

}  // namespace noisett
