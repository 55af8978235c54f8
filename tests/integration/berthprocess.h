#pragma once

// Runs the built `berth` binary as a user runs it, for the command-line tests.

#include <QByteArray>
#include <QDir>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>

namespace Berth::Test {

struct BerthRun
{
    int code = -1; //!< exit code; -1 did not start or timed out, -2 crashed
    QByteArray out;
    QByteArray err;
};

//! berth with arguments, input on stdin (none when null), and home as HOME with the docker
//! config and XDG directories inside it: no credentials or cache of the machine's user leak in.
//! The event loop keeps turning while berth runs, so servers living in the test process (the
//! Harbor test server) answer it; a blocking waitForFinished() would starve them.
inline BerthRun runBerth(const QString &binary, const QStringList &arguments,
                         const QByteArray &input, const QDir &home, int timeoutMs = 60000)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("DOCKER_CONFIG"), home.filePath(QStringLiteral("docker")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    process.setProcessEnvironment(env);
    process.start(binary, arguments);
    BerthRun run;
    if (!process.waitForStarted(10000)) {
        run.err = "did not start: " + process.errorString().toUtf8();
        return run;
    }
    if (!input.isNull())
        process.write(input);
    process.closeWriteChannel();
    if (!QTest::qWaitFor([&process] { return process.state() == QProcess::NotRunning; },
                         timeoutMs)) {
        process.kill();
        process.waitForFinished();
        // What it said before it hung tells why.
        run.err = "timed out; stderr: " + process.readAllStandardError();
        return run;
    }
    run.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

} // namespace Berth::Test
