// Every parser of net/harborjson over arbitrary bytes: the list bodies (projects, repositories,
// artifacts, tags), one artifact, a 1.x tag, systeminfo, scan_overview and timestamps as JSON
// values, the row extras built from what parsed, and harborError() over the bytes as an error
// body with each status it spells out. All of them see every input: the seed corpus holds real
// Harbor 2.10 bodies, and a mutation of one shape is a hostile input for the others.
#include "net/harbor/harborjson.h"
#include "net/transport/requestscheduler.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <cstdint>

namespace {

//! Reads what callers read, so a bad value is touched, not only stored.
void touch(const Berth::TagExtras &extras)
{
    (void)extras.tag.size();
    (void)extras.pushed.toMSecsSinceEpoch();
    (void)extras.pulled.isValid();
    (void)extras.vulnerabilities.total;
    (void)extras.labels.size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));

    (void)Berth::parseHarborProjects(body);
    (void)Berth::parseHarborRepositories(body);
    (void)Berth::parseHarborTags(body);
    (void)Berth::parseHarborVersion(body);
    if (const auto v1 = Berth::parseHarborV1Tag(body); v1.ok())
        touch(*v1);
    if (const auto artifacts = Berth::parseHarborArtifacts(body); artifacts.ok()) {
        for (const Berth::HarborArtifact &artifact : *artifacts) {
            for (const Berth::HarborTag &tag : artifact.tags)
                touch(Berth::tagExtras(artifact, tag));
        }
    }
    if (const auto artifact = Berth::parseHarborArtifact(body); artifact.ok())
        touch(Berth::tagExtras(*artifact, artifact->tags.value(0)));

    // The same bytes as JSON values in the places a value parser sees them.
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    const QJsonValue value = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
    (void)Berth::parseScanOverview(value);
    (void)Berth::parseHarborTime(QJsonValue(QString::fromUtf8(body)));
    (void)Berth::harborRepositorySegment(QString::fromUtf8(body));

    for (int status : {0, 200, 401, 403, 404, 405, 409, 412, 500}) {
        Berth::Response response;
        response.status = status;
        response.body = body;
        (void)Berth::harborError(response, QStringLiteral("Fuzzing")).toString();
    }
    return 0;
}
