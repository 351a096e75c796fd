// glibc's malloc adapter.
#include "cli/allocator.h"

#include <malloc.h>

namespace noisett::cli {

// By default glibc serves allocations over 128 KiB (raised dynamically, but trimmed back) with a
// fresh mmap and unmaps them on free, so every decoded image (9 MB for a 1536 px RGBA WebP) and
// every libvips intermediate paid page faults and zeroing again: a quarter of the CPU time of a
// WebP optimize went to the kernel. Serving up to 32 MiB (glibc's ceiling for this setting) from
// the heap and trimming only past 64 MiB free made `noisett optimize` ~15 % faster on WebP and
// PNG sets at the same peak RSS (bench/pipeline.sh). Larger buffers (a 40 MP image) still use mmap.
void TuneAllocatorForImages() {
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
}

}  // namespace noisett::cli
