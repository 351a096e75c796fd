// What the service's answers carry about jobs and images: the catalog's records with the links
// handed out for them. Typed values only; the JSON doors (commands/) write them.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "service/links.h"

namespace noisett::service {

// The links of one image and of its thumbnail.
struct ImageLinks {
  SignedLinks full;
  SignedLinks thumbnail;
};

// A job with links for every image: links[i] belongs to job.images[i].
struct GenerationView {
  catalog::Generation job;
  std::vector<ImageLinks> links;
};

// One image's links with the listing lifetime.
Result<ImageLinks> LinksForImage(const LinkIssuer& links, const catalog::ImageRecord& image);
// `job` with listing links for each of its images.
Result<GenerationView> ViewWithLinks(const LinkIssuer& links, catalog::Generation job);

// The image of `job` at `index`, or null.
const catalog::ImageRecord* FindImage(const catalog::Generation& job, int index);

}  // namespace noisett::service
