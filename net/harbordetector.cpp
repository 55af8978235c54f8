#include "harbordetector.h"

#include "requestscheduler.h"

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

void probeV1(std::shared_ptr<Probe> probe)
{
    probe->get(u"/api/systeminfo"_s, [probe](const Response &response) {
        HarborInfo info;
        if (isJsonObject(response)) {
            const QJsonObject o = QJsonDocument::fromJson(response.body).object();
            // Harbor's general info always carries these; another API at /api/systeminfo won't.
            if (o.contains(u"harbor_version"_s) || o.contains(u"registry_url"_s)) {
                info.isHarbor = true;
                info.generation = HarborGeneration::V1;
                info.version = parseHarborVersion(response.body);
            }
        }
        probe->finish(info);
    });
}

} // namespace

void detectHarbor(RequestScheduler *scheduler, const QUrl &base,
                  const std::optional<QSslConfiguration> &ssl, QObject *context,
                  std::function<void(Result<HarborInfo>)> done)
{
    auto probe = std::make_shared<Probe>(
            Probe{scheduler, base, ssl, QPointer<QObject>(context), std::move(done)});
    probe->get(u"/api/version"_s, [probe](const Response &response) {
        if (response.status == 0) {
            probe->finish(response.error.isError()
                                  ? response.error
                                  : Error(ErrorCode::Network, u"no response from the server"_s));
            return;
        }
        const QString version
                = QJsonDocument::fromJson(response.body).object().value(u"version"_s).toString();
        if (response.status != 200 || !version.startsWith(u"v2"_s)) {
            probeV1(probe);
            return;
        }
        probe->get(u"/api/v2.0/systeminfo"_s, [probe](const Response &info) {
            HarborInfo result;
            result.isHarbor = true;
            result.generation = HarborGeneration::V2;
            if (isJsonObject(info))
                result.version = parseHarborVersion(info.body);
            probe->finish(result);
        });
    });
}

} // namespace Berth
