#include "net/harbor/harborjson.h"

#include "net/core/servertext.h"
#include "net/formats/registryerrorbody.h"
#include "net/oci/registryclient.h"
#include "net/transport/requestscheduler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace Berth {

namespace {

Result<QJsonDocument> parseDocument(const QByteArray &body)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error(ErrorCode::BadResponse,
                     u"malformed JSON from Harbor at offset %1: %2"_s.arg(parseError.offset)
                             .arg(parseError.errorString()));
    }
    return doc;
}

//! The objects of a JSON array body; null (Harbor's empty list) gives none.
Result<QList<QJsonObject>> parseObjectArray(const QByteArray &body, const QString &what)
{
    // Harbor answers an empty list as the bare JSON literal null, which QJsonDocument rejects.
    if (body.trimmed() == "null")
        return QList<QJsonObject>();
    Result<QJsonDocument> doc = parseDocument(body);
    if (!doc.ok())
        return doc.error();
    if (doc->isNull())
        return QList<QJsonObject>();
    if (!doc->isArray())
        return Error(ErrorCode::BadResponse, u"expected a JSON list of %1"_s.arg(what));
    QList<QJsonObject> objects;
    const QJsonArray array = doc->array();
    objects.reserve(array.size());
    for (const QJsonValue &value : array) {
        if (value.isObject())
            objects.append(value.toObject());
    }
    return objects;
}

qint64 toInt64(const QJsonValue &value, qint64 fallback = -1)
{
    if (!value.isDouble())
        return fallback;
    // A JSON number beyond qint64 (1e300) would make the cast undefined behaviour (found by
    // tests/fuzz/fuzz_harborjson under UBSan): such an id or size is as unknown as a missing one.
    // 2^63 as a double is exact; the range is half-open because qint64 max is not.
    const double number = value.toDouble();
    constexpr double limit = 9223372036854775808.0;
    return number >= -limit && number < limit ? qint64(number) : fallback;
}

QList<HarborLabel> parseLabels(const QJsonValue &value)
{
    QList<HarborLabel> labels;
    const QJsonArray array = value.toArray(); // null -> empty
    for (const QJsonValue &entry : array) {
        const QJsonObject o = entry.toObject();
        const QString name = o.value(u"name"_s).toString();
        if (!name.isEmpty())
            labels.append(
                    {name, o.value(u"color"_s).toString(), o.value(u"description"_s).toString()});
    }
    return labels;
}

HarborTag parseTag(const QJsonObject &o)
{
    HarborTag tag;
    tag.name = o.value(u"name"_s).toString();
    tag.pushed = parseHarborTime(o.value(u"push_time"_s));
    tag.pulled = parseHarborTime(o.value(u"pull_time"_s));
    const QJsonValue immutable = o.value(u"immutable"_s);
    tag.immutableKnown = immutable.isBool();
    tag.immutable = immutable.toBool();
    return tag;
}

QString platformText(const QJsonObject &platform)
{
    const QString os = platform.value(u"os"_s).toString();
    const QString arch = platform.value(u"architecture"_s).toString();
    const QString variant = platform.value(u"variant"_s).toString();
    if (os.isEmpty() && arch.isEmpty())
        return {};
    QString text = os + u'/' + arch;
    if (!variant.isEmpty())
        text += u'/' + variant;
    return text;
}

HarborArtifact parseArtifactObject(const QJsonObject &o)
{
    HarborArtifact artifact;
    artifact.digest = o.value(u"digest"_s).toString();
    artifact.size = toInt64(o.value(u"size"_s));
    artifact.type = o.value(u"type"_s).toString();
    artifact.mediaType = o.value(u"media_type"_s).toString();
    artifact.manifestMediaType = o.value(u"manifest_media_type"_s).toString();
    artifact.pushed = parseHarborTime(o.value(u"push_time"_s));
    artifact.pulled = parseHarborTime(o.value(u"pull_time"_s));
    artifact.labels = parseLabels(o.value(u"labels"_s));
    artifact.vulnerabilities = parseScanOverview(o.value(u"scan_overview"_s));
    for (const QJsonValue &entry : o.value(u"references"_s).toArray()) {
        const QJsonObject ref = entry.toObject();
        const QString digest = ref.value(u"child_digest"_s).toString();
        if (!digest.isEmpty())
            artifact.references.append({digest, platformText(ref.value(u"platform"_s).toObject())});
    }
    for (const QJsonValue &entry : o.value(u"tags"_s).toArray()) {
        HarborTag tag = parseTag(entry.toObject());
        if (!tag.name.isEmpty())
            artifact.tags.append(tag);
    }
    return artifact;
}

} // namespace

QDateTime parseHarborTime(const QJsonValue &value)
{
    const QString text = value.toString();
    if (text.isEmpty())
        return {};
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    // Go's zero time.Time is Harbor's "never": year 1, or anything before the epoch of
    // container images (no registry existed before 2013, so earlier stamps carry no meaning).
    if (!time.isValid() || time.date().year() <= 1)
        return {};
    return time.toUTC();
}

Result<QList<HarborProject>> parseHarborProjects(const QByteArray &body)
{
    Result<QList<QJsonObject>> objects = parseObjectArray(body, u"projects"_s);
    if (!objects.ok())
        return objects.error();
    QList<HarborProject> projects;
    for (const QJsonObject &o : *objects) {
        HarborProject project;
        project.id = toInt64(o.value(u"project_id"_s));
        project.name = o.value(u"name"_s).toString();
        const QJsonObject metadata = o.value(u"metadata"_s).toObject();
        project.isPublic = metadata.value(u"public"_s).toString() == u"true"
                           || o.value(u"public"_s).toBool();
        project.proxyCache = toInt64(o.value(u"registry_id"_s), 0) > 0;
        if (!project.name.isEmpty())
            projects.append(project);
    }
    return projects;
}

Result<QList<HarborRepository>> parseHarborRepositories(const QByteArray &body)
{
    Result<QList<QJsonObject>> objects = parseObjectArray(body, u"repositories"_s);
    if (!objects.ok())
        return objects.error();
    QList<HarborRepository> repositories;
    for (const QJsonObject &o : *objects) {
        HarborRepository repository;
        repository.id = toInt64(o.value(u"id"_s));
        repository.projectId = toInt64(o.value(u"project_id"_s));
        repository.name = o.value(u"name"_s).toString();
        if (!repository.name.isEmpty())
            repositories.append(repository);
    }
    return repositories;
}

Result<QList<HarborArtifact>> parseHarborArtifacts(const QByteArray &body)
{
    Result<QList<QJsonObject>> objects = parseObjectArray(body, u"artifacts"_s);
    if (!objects.ok())
        return objects.error();
    QList<HarborArtifact> artifacts;
    artifacts.reserve(objects->size());
    for (const QJsonObject &o : *objects) {
        HarborArtifact artifact = parseArtifactObject(o);
        if (!artifact.digest.isEmpty())
            artifacts.append(std::move(artifact));
    }
    return artifacts;
}

Result<HarborArtifact> parseHarborArtifact(const QByteArray &body)
{
    Result<QJsonDocument> doc = parseDocument(body);
    if (!doc.ok())
        return doc.error();
    if (!doc->isObject())
        return Error(ErrorCode::BadResponse, u"expected a JSON object (an artifact)"_s);
    HarborArtifact artifact = parseArtifactObject(doc->object());
    if (artifact.digest.isEmpty())
        return Error(ErrorCode::BadResponse, u"the artifact has no digest"_s);
    return artifact;
}

Result<QList<HarborTag>> parseHarborTags(const QByteArray &body)
{
    Result<QList<QJsonObject>> objects = parseObjectArray(body, u"tags"_s);
    if (!objects.ok())
        return objects.error();
    QList<HarborTag> tags;
    tags.reserve(objects->size());
    for (const QJsonObject &o : *objects) {
        HarborTag tag = parseTag(o);
        if (!tag.name.isEmpty())
            tags.append(tag);
    }
    return tags;
}

Result<TagExtras> parseHarborV1Tag(const QByteArray &body)
{
    Result<QJsonDocument> doc = parseDocument(body);
    if (!doc.ok())
        return doc.error();
    if (!doc->isObject())
        return Error(ErrorCode::BadResponse, u"expected a JSON object (a tag)"_s);
    const QJsonObject o = doc->object();
    TagExtras extras;
    extras.tag = o.value(u"name"_s).toString();
    if (extras.tag.isEmpty())
        return Error(ErrorCode::BadResponse, u"the tag has no name"_s);
    extras.digest = o.value(u"digest"_s).toString();
    extras.size = toInt64(o.value(u"size"_s));
    // Not in the 1.10 swagger's DetailedTag, but 1.8+ servers send them.
    extras.pushed = extras.artifactPushed = parseHarborTime(o.value(u"push_time"_s));
    extras.pulled = extras.artifactPulled = parseHarborTime(o.value(u"pull_time"_s));
    extras.labels = parseLabels(o.value(u"labels"_s));
    extras.vulnerabilities = parseScanOverview(o.value(u"scan_overview"_s));
    const QJsonValue immutable = o.value(u"immutable"_s);
    extras.immutableKnown = immutable.isBool();
    extras.immutable = immutable.toBool();
    extras.type = u"IMAGE"_s; // 1.x keeps charts apart (chartrepo); tags are images
    return extras;
}

VulnerabilitySummary parseScanOverview(const QJsonValue &value)
{
    if (!value.isObject())
        return {};
    QJsonObject report = value.toObject();
    if (!report.contains(u"scan_status"_s)) {
        // A map of report MIME type -> summary; Harbor puts the one it was asked for first.
        report = {};
        const QJsonObject map = value.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (it.value().isObject() && it.value().toObject().contains(u"scan_status"_s)) {
                report = it.value().toObject();
                break;
            }
        }
        if (report.isEmpty())
            return {};
    }
    VulnerabilitySummary summary;
    summary.scanStatus = report.value(u"scan_status"_s).toString();
    summary.severity = report.value(u"severity"_s).toString();
    const QJsonObject counts = report.value(u"summary"_s).toObject();
    summary.total = int(toInt64(counts.value(u"total"_s)));
    summary.fixable = int(toInt64(counts.value(u"fixable"_s)));
    const QJsonObject bySeverity = counts.value(u"summary"_s).toObject();
    for (auto it = bySeverity.begin(); it != bySeverity.end(); ++it) {
        if (it.value().isDouble())
            summary.bySeverity.insert(it.key(), it.value().toInt());
    }
    return summary;
}

QString parseHarborVersion(const QByteArray &systemInfoBody)
{
    const QJsonDocument doc = QJsonDocument::fromJson(systemInfoBody);
    return doc.object().value(u"harbor_version"_s).toString();
}

TagExtras tagExtras(const HarborArtifact &artifact, const HarborTag &tag)
{
    TagExtras extras;
    extras.tag = tag.name;
    extras.digest = artifact.digest;
    extras.pushed = tag.pushed.isValid() ? tag.pushed : artifact.pushed;
    extras.pulled = tag.pulled;
    extras.artifactPushed = artifact.pushed;
    extras.artifactPulled = artifact.pulled;
    extras.labels = artifact.labels;
    extras.vulnerabilities = artifact.vulnerabilities;
    extras.immutable = tag.immutable;
    extras.immutableKnown = tag.immutableKnown;
    extras.size = artifact.size;
    extras.type = artifact.type;
    extras.manifestMediaType = artifact.manifestMediaType;
    extras.mediaType = artifact.mediaType;
    extras.references = artifact.references;
    return extras;
}

QString harborRepositorySegment(const QString &repositoryInProject)
{
    // Once here; QUrl (DecodedMode) encodes the '%' again when the URL is sent.
    return QString::fromLatin1(QUrl::toPercentEncoding(repositoryInProject));
}

Error harborError(const Response &response, const QString &what)
{
    Error error = errorFromResponse(response, QString());
    if (!error.isError())
        return error;
    QString harborMessage = registryErrorMessage(response.body);
    if (harborMessage.isEmpty()) {
        // Harbor 1.x: {"code":404,"message":"..."}; capped like registryErrorMessage's text.
        const QJsonObject o = QJsonDocument::fromJson(response.body).object();
        harborMessage
                = ServerText::visible(o.value(u"message"_s).toString().left(300).simplified());
    }
    const auto detail = [&harborMessage](const QString &text) {
        return harborMessage.isEmpty() ? text : text + u" ("_s + harborMessage + u')';
    };
    switch (response.status != 0 ? response.status : error.httpStatus) {
    case 401:
        error.code = ErrorCode::Unauthorized;
        error.message = detail(u"Harbor did not accept the user name or password"_s);
        break;
    case 403:
        error.code = ErrorCode::Forbidden;
        if (harborMessage.contains(u"csrf"_s, Qt::CaseInsensitive)) {
            error.message = u"Harbor refused the write (CSRF): "_s + harborMessage;
        } else {
            error.message = detail(u"permission denied"_s);
        }
        break;
    case 405:
        error.code = ErrorCode::Unsupported;
        error.message = detail(u"not allowed here: proxy-cache projects are read-only"_s);
        break;
    case 409:
        error.code = ErrorCode::Conflict;
        error.message = detail(u"the tag already exists"_s);
        break;
    case 412:
        error.code = ErrorCode::Forbidden;
        error.message = detail(u"the tag is immutable (project rule)"_s);
        break;
    default:
        break;
    }
    if (!what.isEmpty())
        error.message = what + u": "_s + error.message;
    return error;
}

} // namespace Berth
