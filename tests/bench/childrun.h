#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace Berth::Test {

//! Runs a program to the end (berth, skopeo, a shell pipeline) and measures it as a person at
//! a terminal would: time to the first line on stdout, total wall time, and the peak resident
//! memory of the process (GNU time's %M: the largest of the process and its waited-for
//! children).
class ChildRun
{
public:
    struct Outcome
    {
        qint64 firstLineMs = -1;
        qint64 totalMs = -1; //!< -1: did not finish in time
        qint64 peakKiB = -1; //!< -1: /usr/bin/time is missing
        int exitCode = -1;
        QByteArray out;
        QByteArray err;

        bool ok() const { return totalMs >= 0 && exitCode == 0; }
        QJsonObject toJson() const;
    };

    //! stdinFile: fed to the program's standard input (empty = none).
    static Outcome run(const QString &program, const QStringList &arguments,
                       const QString &stdinFile = {}, int timeoutMs = 600000);
};

} // namespace Berth::Test
