#include "net/harbor/harbordetector.h"

#include "net/transport/requestscheduler.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

// The probes' answers are a few hundred bytes of JSON.
constexpr qint64 MaxProbeBytes = 64 * 1024;

// The three answers, kept until the last one arrives.
struct Answers
{
    std::optional<Response> version;
    std::optional<Response> v2Info;
    std::optional<Response> v1Info;
    bool complete() const { return version && v2Info && v1Info; }
};

bool isJsonObject(const Response &response)
{
    return response.status == 200 && QJsonDocument::fromJson(response.body).isObject();
}

//! Decides once every probe has answered: /api/version first (2.x), then /api/systeminfo (1.x).
Result<HarborInfo> decide(const Answers &probe)
{
    const Response &version = *probe.version;
    if (version.status == 0) {
        return version.error.isError()
                       ? version.error
                       : Error(ErrorCode::Network, u"no response from the server"_s);
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
    return info;
}

} // namespace

ResultJob<HarborInfo> *detectHarbor(RequestScheduler *scheduler, const QUrl &base,
                                    const std::optional<QSslConfiguration> &ssl, QObject *parent)
{
    auto *task = new Task<HarborInfo>(Priority::Interactive, parent);
    auto answers = std::make_shared<Answers>();
    const auto get = [&](const QString &path, std::optional<Response> Answers::*slot) {
        RequestSpec spec;
        spec.url = base;
        spec.url.setPath(path);
        spec.priority = Priority::Interactive;
        spec.sslConfiguration = ssl;
        spec.maxBodyBytes = MaxProbeBytes;
        spec.headers.append({"Accept"_ba, "application/json"_ba});
        // Not retried: a plain registry answers 404 at once, and detection should be quick.
        spec.idempotent = false;
        task->await(scheduler->submit(spec), [task, answers, slot](const Response &response) {
            (*answers).*slot = response;
            if (answers->complete())
                task->finish(decide(*answers));
        });
    };
    // All three at once: detection costs one round trip whatever the server is (the scheduler
    // runs up to 6 requests per host in parallel), instead of up to three in turn.
    get(u"/api/version"_s, &Answers::version);
    get(u"/api/v2.0/systeminfo"_s, &Answers::v2Info);
    get(u"/api/systeminfo"_s, &Answers::v1Info);
    return task;
}

} // namespace Berth
