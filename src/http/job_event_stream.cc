// The job event stream: read the job, send what is new, else wait for its next change.
#include "http/job_event_stream.h"

#include <charconv>
#include <mutex>

#include "core/json_writer.h"
#include "core/log.h"
#include "service/commands/job_json.h"

namespace noisett::http {
namespace {

std::string Event(const SeenEvents& seen, std::string_view name, std::string_view data) {
  std::string out;
  out.reserve(data.size() + 64);
  out.append("id: ").append(seen.Id()).append("\nevent: ").append(name);
  out.append("\ndata: ").append(data).append("\n\n");
  return out;
}

class JobEventStream final : public ResponseStream,
                             public std::enable_shared_from_this<JobEventStream> {
 public:
  JobEventStream(const service::JobsDeps& jobs, auth::User caller, service::JobView first,
                 SeenEvents seen)
      : jobs_(jobs),
        caller_(std::move(caller)),
        job_id_(first.job.job_id),
        first_(std::move(first)),
        seen_(seen) {}

  // On the connection's I/O thread: never a catalog read here. The first piece comes from the
  // view the route read (on the read pool); after that the stream only registers to be woken,
  // and reads on the thread that wakes it (the runner's, or the hub's periodic wake-up).
  void Next(std::function<void(std::optional<std::string>)> deliver) override {
    std::optional<std::string> piece;
    {
      std::lock_guard lock(mu_);
      if (canceled_) return;
      if (!seen_.ended && first_) {
        piece = NewEvents(*first_, seen_);
        first_.reset();
      }
      if (!seen_.ended && (!piece || piece->empty())) {
        WaitLocked(std::move(deliver));
        return;
      }
      // Here the piece holds the first events, or the stream has ended (nullopt: the end).
    }
    deliver(std::move(piece));
  }

  void Cancel() noexcept override {
    std::lock_guard lock(mu_);
    canceled_ = true;
    if (ticket_ != 0) jobs_.events.Forget(ticket_);
  }

  std::string Heartbeat() const override { return ": keep-alive\n\n"; }

 private:
  using Deliver = std::function<void(std::optional<std::string>)>;

  void WaitLocked(Deliver deliver) {
    ticket_ = jobs_.events.WaitOnce(
        job_id_, [self = shared_from_this(), deliver = std::move(deliver)]() mutable {
          self->Wake(std::move(deliver));
        });
  }

  // The job changed (or the periodic wake-up came): what is new goes out, else wait again.
  void Wake(Deliver deliver) {
    std::string piece;
    {
      std::lock_guard lock(mu_);
      if (canceled_) return;
      piece = Read();
      if (piece.empty()) {
        WaitLocked(std::move(deliver));
        return;
      }
    }
    deliver(std::move(piece));
  }

  // The new events ("" for none); an error event (and the end) when the job cannot be read.
  std::string Read() {
    auto view = service::GetJobView(jobs_, caller_, job_id_);
    if (!view) {
      seen_.ended = true;
      JsonWriter data;
      data.BeginObject()
          .Member("code", view.error().reason)
          .Member("message", view.error().message)
          .EndObject();
      return Event(seen_, "error", std::move(data).Take());
    }
    return NewEvents(*view, seen_);
  }

  const service::JobsDeps& jobs_;
  const auth::User caller_;
  const std::string job_id_;
  std::mutex mu_;
  std::optional<service::JobView> first_;
  SeenEvents seen_;
  bool canceled_ = false;
  uint64_t ticket_ = 0;
};

}  // namespace

std::string SeenEvents::Id() const {
  char mask[9];
  auto [end, ec] = std::to_chars(mask, mask + sizeof mask, images, 16);
  return (status.empty() ? "none" : status) + "." + std::string(mask, end) + (ended ? ".end" : "");
}

std::optional<SeenEvents> SeenEvents::FromId(std::string_view id) {
  SeenEvents seen;
  if (id.ends_with(".end")) {
    seen.ended = true;
    id.remove_suffix(4);
  }
  const size_t dot = id.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view status = id.substr(0, dot);
  const std::string_view mask = id.substr(dot + 1);
  if (status != "none" && !catalog::ParseJobStatus(status)) return std::nullopt;
  if (mask.empty() || mask.size() > 2) return std::nullopt;  // 8 images: two hex digits at most
  auto [end, ec] = std::from_chars(mask.data(), mask.data() + mask.size(), seen.images, 16);
  if (ec != std::errc() || end != mask.data() + mask.size()) return std::nullopt;
  if (status != "none") seen.status = std::string(status);
  return seen;
}

std::string NewEvents(const service::JobView& view, SeenEvents& seen) {
  std::string out;
  const std::string status(catalog::JobStatusName(view.job.status));
  if (status != seen.status) {
    seen.status = status;
    JsonWriter data;
    data.BeginObject().Member("job_id", view.job.job_id).Member("status", status).EndObject();
    out += Event(seen, "status", std::move(data).Take());
  }
  for (const service::JobImageView& image : view.images) {
    const uint32_t bit = 1u << image.index;
    if (!image.record || (seen.images & bit) != 0) continue;
    seen.images |= bit;
    out += Event(seen, "image", service::JobImageText(image));
  }
  if (catalog::IsFinished(view.job.status)) {
    seen.ended = true;
    const bool failed = view.job.status == catalog::JobStatus::kFailed;
    out += Event(seen, failed ? "failed" : "done", service::JobText(view));
  }
  return out;
}

std::shared_ptr<ResponseStream> MakeJobEventStream(const service::JobsDeps& jobs,
                                                   auth::User caller, service::JobView first,
                                                   std::string_view last_event_id) {
  SeenEvents seen = SeenEvents::FromId(last_event_id).value_or(SeenEvents{});
  return std::make_shared<JobEventStream>(jobs, std::move(caller), std::move(first), seen);
}

}  // namespace noisett::http
