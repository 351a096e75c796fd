// Process-wide malloc settings for a program that handles images.
#pragma once

namespace noisett::cli {

// Keeps freed image-sized buffers in the heap for reuse instead of returning each one to the
// kernel. Call first thing in main, before any thread starts.
void TuneAllocatorForImages();

}  // namespace noisett::cli
