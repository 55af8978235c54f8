#pragma once

#include "net/core/backendinfo.h"
#include "net/core/error.h"
#include "net/formats/tagextras.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace Berth {

struct Response;

struct HarborProject
{
    qint64 id = -1;
    QString name;
    bool isPublic = false;
    bool proxyCache = false; //!< registry_id set: a read-only proxy of another registry
};

struct HarborRepository
{
    qint64 id = -1;
    qint64 projectId = -1;
    QString name; //!< "project/repo/path"
};

struct HarborTag
{
    QString name;
    QDateTime pushed;
    QDateTime pulled; //!< invalid = never
    bool immutable = false;
    bool immutableKnown = false;
};

struct HarborArtifact
{
    QString digest;
    qint64 size = -1;
    QString type;
    QString mediaType;
    QString manifestMediaType;
    QDateTime pushed;
    QDateTime pulled; //!< invalid = never
    QList<HarborLabel> labels;
    VulnerabilitySummary vulnerabilities;
    QList<HarborReference> references;
    QList<HarborTag> tags;
};

//! A Harbor timestamp (RFC 3339, with or without fraction). Go's zero time
//! ("0001-01-01T00:00:00Z", Harbor's "never"), null, "" and garbage give an invalid QDateTime.
QDateTime parseHarborTime(const QJsonValue &value);

//! Each parser accepts the JSON array Harbor sends (null = empty) and names the problem of a
//! body of the wrong shape. Unknown fields are ignored, missing ones stay at their defaults.
Result<QList<HarborProject>> parseHarborProjects(const QByteArray &body);
Result<QList<HarborRepository>> parseHarborRepositories(const QByteArray &body);
Result<QList<HarborArtifact>> parseHarborArtifacts(const QByteArray &body);
Result<HarborArtifact> parseHarborArtifact(const QByteArray &body);
Result<QList<HarborTag>> parseHarborTags(const QByteArray &body);
//! 1.x: GET /api/repositories/{repo}/tags/{tag} (DetailedTag).
Result<TagExtras> parseHarborV1Tag(const QByteArray &body);
//! scan_overview: a map of report MIME type -> NativeReportSummary (the first report wins), or
//! a bare summary. Invalid summary when absent or unreadable.
VulnerabilitySummary parseScanOverview(const QJsonValue &value);
//! harbor_version of /api/v2.0/systeminfo or /api/systeminfo; empty when absent.
QString parseHarborVersion(const QByteArray &systemInfoBody);

//! The row extras of tag on artifact.
TagExtras tagExtras(const HarborArtifact &artifact, const HarborTag &tag);

//! A repository name as one path segment of the 2.x API: percent-encoded once here and once
//! more by QUrl ("a/b" -> "a%2Fb" -> "a%252Fb" on the wire), as the swagger asks.
QString harborRepositorySegment(const QString &repositoryInProject);

//! Maps a finished Harbor API response to an Error with Harbor's own cases spelled out: 401
//! (credentials), 403 (permission, or CSRF when the session cookie got involved), 404, 405
//! (proxy-cache project), 409 (exists), 412 (immutable tag rule). None for 2xx.
Error harborError(const Response &response, const QString &what);

} // namespace Berth
