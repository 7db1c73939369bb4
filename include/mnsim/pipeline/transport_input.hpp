// The case -> transport adapters: the transport stage's options, medium and
// product from a case, and the whole stage for every zone of a case (what
// `mnsim deliver` and pipeline::run call). The stage itself takes only its
// own typed inputs (transport/case_delivery.hpp).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mnsim/case/case.hpp"
#include "mnsim/device/device.hpp"
#include "mnsim/transport/case_delivery.hpp"
#include "mnsim/transport/deliver.hpp"
#include "mnsim/transport/medium.hpp"
#include "mnsim/transport/product.hpp"

namespace mnsim::pipeline {

transport::Options transport_options(const cases::Case& c);
// An explicit [medium] with its [donor] and [sink].
transport::Medium transport_medium(const cases::Medium& m);
// The case's product: the catalogue entry, or the inline definition.
// Throws InputError for an unknown id.
transport::ProductSpec transport_product(const cases::Product& p, const std::string& file);

// The transport stage for a whole case, one entry per c.zones with `zones[i]`
// its skin and channels (ignored for an explicit [medium]). `device` is the
// case's resolved device (pipeline::resolved_device): it gives the needling
// depth an anaesthetic must reach where a zone sets none. Throws InputError
// for a case without a product, anaesthetic or medium.
// `progress` (optional) is told, after every time step, which zone runs
// (index, count, site) and the simulated time and horizon of its current run.
using DeliveryProgress = std::function<void(std::size_t zone, std::size_t zones,
                                            const std::string& site, double t_s, double horizon_s)>;
transport::CaseDelivery deliver_case(const cases::Case& c, const device::Device& device,
                                     const std::vector<transport::ZoneSkin>& zones,
                                     const DeliveryProgress& progress = nullptr);

// The transport grid of every run deliver_case would make, planned within the
// case's budget (simulation.max_memory_mb) without running anything: one
// entry per (zone, product or anaesthetic). Throws InputError naming the
// budget field when a run has no plan that fits.
struct ZonePlan {
  std::string site;
  std::string what;  // the product id, or "anaesthetic <id>"
  transport::RunPlan plan;
};
std::vector<ZonePlan> plan_case(const cases::Case& c, const device::Device& device,
                                const std::vector<transport::ZoneSkin>& zones);

}  // namespace mnsim::pipeline
