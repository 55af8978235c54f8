#include "net/harbor/harbordetector.h"

#include "net/transport/requestscheduler.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// The probes' answers are a few hundred bytes of JSON.
constexpr qint64 MaxProbeBytes = 64 * 1024;

struct Probe
{
    RequestScheduler *scheduler;
    QUrl base;
    std::optional<QSslConfiguration> ssl;
    QPointer<QObject> context;
    std::function<void(Result<HarborInfo>)> done;
    // The three answers, kept until the last one arrives.
    std::optional<Response> version;
    std::optional<Response> v2Info;
    std::optional<Response> v1Info;

    void get(const QString &path, std::function<void(const Response &)> next) const
    {
        RequestSpec spec;
        spec.url = base;
        spec.url.setPath(path);
        spec.priority = Priority::Interactive;
        spec.sslConfiguration = ssl;
        spec.maxBodyBytes = MaxProbeBytes;
        spec.headers.append({"Accept"_ba, "application/json"_ba});
        // Not retried: a plain registry answers 404 at once, and detection should be quick.
        spec.idempotent = false;
        scheduler->submit(spec, context.data(), std::move(next));
    }
    void finish(Result<HarborInfo> result) const
    {
        if (context)
            done(std::move(result));
    }
};

bool isJsonObject(const Response &response)
{
    return response.status == 200 && QJsonDocument::fromJson(response.body).isObject();
}

//! Decides once every probe has answered: /api/version first (2.x), then /api/systeminfo (1.x).
void decide(const Probe &probe)
{
    const Response &version = *probe.version;
    if (version.status == 0) {
        probe.finish(version.error.isError()
                             ? version.error
                             : Error(ErrorCode::Network, u"no response from the server"_s));
        return;
    }
    HarborInfo info;
    const QString apiVersion
            = QJsonDocument::fromJson(version.body).object().value(u"version"_s).toString();
    if (version.status == 200 && apiVersion.startsWith(u"v2"_s)) {
        info.isHarbor = true;
        info.generation = HarborGeneration::V2;
        if (isJsonObject(*probe.v2Info))
            info.version = parseHarborVersion(probe.v2Info->body);
    } else if (isJsonObject(*probe.v1Info)) {
        const QJsonObject o = QJsonDocument::fromJson(probe.v1Info->body).object();
        // Harbor's general info always carries these; another API at /api/systeminfo won't.
        if (o.contains(u"harbor_version"_s) || o.contains(u"registry_url"_s)) {
            info.isHarbor = true;
            info.generation = HarborGeneration::V1;
            info.version = parseHarborVersion(probe.v1Info->body);
        }
    }
    probe.finish(info);
}

} // namespace

void detectHarbor(RequestScheduler *scheduler, const QUrl &base,
                  const std::optional<QSslConfiguration> &ssl, QObject *context,
                  std::function<void(Result<HarborInfo>)> done)
{
    auto probe = std::make_shared<Probe>(
            Probe{scheduler, base, ssl, QPointer<QObject>(context), std::move(done), {}, {}, {}});
    // All three at once: detection costs one round trip whatever the server is (the scheduler
    // runs up to 6 requests per host in parallel), instead of up to three in turn.
    const auto answered = [probe](std::optional<Response> Probe::*slot) {
        return [probe, slot](const Response &response) {
            (*probe).*slot = response;
            if (probe->version && probe->v2Info && probe->v1Info)
                decide(*probe);
        };
    };
    probe->get(u"/api/version"_s, answered(&Probe::version));
    probe->get(u"/api/v2.0/systeminfo"_s, answered(&Probe::v2Info));
    probe->get(u"/api/systeminfo"_s, answered(&Probe::v1Info));
}

} // namespace Berth
