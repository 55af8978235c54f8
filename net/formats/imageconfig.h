#pragma once

#include "net/core/error.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QStringList>

namespace Berth {

struct HistoryEntry
{
    QDateTime created;
    QString createdBy;
    QString comment;
    bool emptyLayer = false;
    QString createdText; //!< as written, every digit (diff compares these)
};

//! The parts of an OCI / Docker image config Berth shows.
struct ImageConfig
{
    QDateTime created; //!< UTC; invalid when absent or unparsable
    QString os;
    QString architecture;
    QString variant;
    QString author;
    QString user;
    QString workingDir;
    QStringList entrypoint;
    QStringList cmd;
    QStringList env;
    QStringList exposedPorts; //!< "8080/tcp"
    QStringList volumes;
    QMap<QString, QString> labels;
    QList<HistoryEntry> history;
    //! created as written ("2024-05-01T10:00:00.000000500Z"): QDateTime keeps milliseconds
    //! only, and two builds a few nanoseconds apart are two configs.
    QString createdText;
};

inline constexpr qint64 MaxConfigBytes = 8 * 1024 * 1024;

//! Parses RFC 3339 times as registries write them (fractional seconds of any length, 'Z' or
//! offset). Go's zero time ("0001-01-01T00:00:00Z") and absurd years give an invalid QDateTime.
QDateTime parseRfc3339(const QString &text);

Result<ImageConfig> parseImageConfig(const QByteArray &body);

} // namespace Berth
