#include "childrun.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QTemporaryFile>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace Berth::Test {

QJsonObject ChildRun::Outcome::toJson() const
{
    return {{u"first_line_ms"_s, firstLineMs},
            {u"total_ms"_s, totalMs},
            {u"peak_rss_kib"_s, peakKiB},
            {u"exit_code"_s, exitCode}};
}

ChildRun::Outcome ChildRun::run(const QString &program, const QStringList &arguments,
                                const QString &stdinFile, int timeoutMs)
{
    Outcome outcome;
    const QString timeBinary = u"/usr/bin/time"_s;
    QTemporaryFile rssFile;
    const bool measureRss = QFile::exists(timeBinary) && rssFile.open();

    QProcess process;
    if (!stdinFile.isEmpty())
        process.setStandardInputFile(stdinFile);
    if (measureRss) {
        // GNU time writes its figure to a file so it cannot mix with the program's stderr.
        process.setProgram(timeBinary);
        process.setArguments(QStringList{u"-f"_s, u"%M"_s, u"-o"_s, rssFile.fileName(), program}
                             + arguments);
    } else {
        process.setProgram(program);
        process.setArguments(arguments);
    }

    QEventLoop loop;
    QElapsedTimer clock;
    QObject::connect(&process, &QProcess::readyReadStandardOutput, &loop, [&] {
        outcome.out += process.readAllStandardOutput();
        if (outcome.firstLineMs < 0 && outcome.out.contains('\n'))
            outcome.firstLineMs = clock.elapsed();
    });
    QObject::connect(&process, &QProcess::finished, &loop, [&] {
        outcome.totalMs = clock.elapsed();
        loop.quit();
    });
    QObject::connect(&process, &QProcess::errorOccurred, &loop, [&](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    clock.start();
    process.start();
    loop.exec();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5000);
        outcome.totalMs = -1;
    }
    outcome.out += process.readAllStandardOutput();
    outcome.err = process.readAllStandardError();
    outcome.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    if (measureRss) {
        rssFile.seek(0);
        bool ok = false;
        // GNU time prefixes "Command exited with non-zero status N" when the program failed.
        const QList<QByteArray> lines = rssFile.readAll().trimmed().split('\n');
        const qint64 kib = lines.constLast().trimmed().toLongLong(&ok);
        outcome.peakKiB = ok ? kib : -1;
    }
    return outcome;
}

} // namespace Berth::Test
