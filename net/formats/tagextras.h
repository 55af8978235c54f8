#pragma once

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace Berth {

//! A Harbor scan summary (NativeReportSummary in the v2.0 swagger, also 1.10's scan_overview).
struct VulnerabilitySummary
{
    QString scanStatus; //!< "Success", "Running", "Error", ...; empty = never scanned / unknown
    QString severity;   //!< overall severity ("Critical", "High", ... "None")
    int total = -1;     //!< -1 unknown
    int fixable = -1;
    QMap<QString, int> bySeverity; //!< "Critical" -> 5, ...

    bool isValid() const { return !scanStatus.isEmpty(); }
    //! "12 (3 Critical, 4 High)", "none", "Running"; empty when not scanned.
    QString text() const;
    //! Sort key: higher = worse (Critical > High > Medium > Low > Unknown > None > not scanned).
    int severityRank() const;
    bool operator==(const VulnerabilitySummary &) const = default;
};

struct HarborLabel
{
    QString name;
    QString color; //!< "#C92100", may be empty
    QString description;
    bool operator==(const HarborLabel &) const = default;
};

//! One child of a multi-architecture artifact (Harbor's references[]).
struct HarborReference
{
    QString digest;
    QString platform; //!< "linux/arm64/v8", empty when the server gave none
    bool operator==(const HarborReference &) const = default;
};

//! What a server knows about a tag beyond the registry API (today: Harbor): the extra columns of
//! the tag table and of reports. Filled from the artifacts API (2.x) or
//! /api/repositories/{repo}/tags/{tag} (1.x).
struct TagExtras
{
    QString tag;
    QString digest;
    QDateTime pushed; //!< the tag's push time (UTC); the artifact's when the tag's is unknown
    QDateTime pulled; //!< invalid = never pulled (Harbor sends Go's zero time) or unknown
    QDateTime artifactPushed; //!< push time of the artifact behind the tag
    QDateTime artifactPulled; //!< invalid = never
    QList<HarborLabel> labels;
    VulnerabilitySummary vulnerabilities;
    bool immutable = false;
    bool immutableKnown = false; //!< the server said (with_immutable_status)
    qint64 size = -1;
    QString type;                      //!< Harbor's artifact type: "IMAGE", "CHART", "CNAB", ...
    QString manifestMediaType;         //!< the manifest's media type
    QString mediaType;                 //!< Harbor's media_type: the config's media type
    QList<HarborReference> references; //!< children of an index (multi-arch)

    bool isValid() const { return !tag.isEmpty(); }
    QStringList labelNames() const;
    //! Severity -> count of a finished scan ("Critical" -> 1), counts above zero only; empty when
    //! the tag was not scanned or the scan did not finish.
    QMap<QString, int> scannedVulnerabilities() const;
    //! A finished scan (Success) is known.
    bool isScanned() const;
    bool operator==(const TagExtras &) const = default;
};

} // namespace Berth

Q_DECLARE_METATYPE(Berth::TagExtras)
Q_DECLARE_METATYPE(Berth::VulnerabilitySummary)
