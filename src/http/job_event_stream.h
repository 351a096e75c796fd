// GET /api/jobs/{job}/events: a generation job's progress as Server-Sent Events (text/event-stream).
//
//   event: status   data: {"job_id", "status"}       when the status changes (first: as it is)
//   event: image    data: the stored image as GET /api/jobs/{job} shows it, with its links
//   event: done     data: the whole job (succeeded or canceled); the stream then ends
//   event: failed   data: the whole job, with its error; the stream then ends
//   ": keep-alive" comments while nothing happens (the server's stream heartbeat)
//
// Each event's id says what the client has seen ("running.3": status running, images 0 and 1);
// a reconnecting EventSource sends it back as Last-Event-ID and the stream resumes from there
// (an id it cannot read starts over). The stream holds no thread while it waits: it waits on the
// job's events (service::JobEvents), woken by the runner when this instance runs the job, or by
// the hub's periodic wake-up when another instance does.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "auth/user.h"
#include "http/response_stream.h"
#include "service/generation_jobs.h"

namespace noisett::http {

// What a client has seen, as an event id carries it.
struct SeenEvents {
  std::string status;  // "" : nothing yet
  uint32_t images = 0;  // bit i: image i was sent
  bool ended = false;   // the final event was sent

  std::string Id() const;
  // Parses an Id(); nullopt for anything else.
  static std::optional<SeenEvents> FromId(std::string_view id);
};

// The events of `view` that `seen` has not had, as SSE text, and `seen` updated; "" for none.
std::string NewEvents(const service::JobView& view, SeenEvents& seen);

// The stream of `caller`'s job `first` (as the route read it, off the I/O threads), resuming
// after `last_event_id` (a Last-Event-ID header, possibly empty). `jobs` outlives the stream.
std::shared_ptr<ResponseStream> MakeJobEventStream(const service::JobsDeps& jobs,
                                                   auth::User caller, service::JobView first,
                                                   std::string_view last_event_id);

}  // namespace noisett::http
