#pragma once

// Shared by the GUI tests: a registry session opened as the app opens one, settings kept out of
// the user's files, and small waits on backend calls.

#include "jobwait.h"
#include "models/session/registrysession.h"
#include "models/session/sessionopener.h"
#include "net/backend/registrybackend.h"
#include "net/core/registryendpoint.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QCoreApplication>
#include <QFile>
#include <QPalette>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

namespace Berth::Test {

//! An anonymous plain-HTTP endpoint on a loopback server.
inline RegistryEndpoint loopbackEndpoint(const QString &host)
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
    return endpoint;
}

//! Opens a session the way the window's connections are opened (openSession(): detect the kind,
//! create the backend, connect); the session is a child of sessionParent.
inline Result<RegistrySession *> openTestSession(const RegistryEndpoint &endpoint,
                                                 RequestScheduler *scheduler,
                                                 QObject *sessionParent)
{
    return waitFor(openSession(endpoint, SessionOptions(), scheduler, sessionParent, nullptr));
}

//! NetworkAccessManager + RequestScheduler + an open RegistrySession for a loopback registry,
//! with quick retries so a stopped registry fails in well under a second. session is null when
//! opening failed (error says why).
struct GuiStack
{
    explicit GuiStack(const QString &host)
        : scheduler(&nam)
    {
        // One quick retry: the error banner test waits for the failure, not for back-off.
        scheduler.setMaxRetries(1);
        scheduler.setRetryDelays(10, 50);
        const Result<RegistrySession *> opened
                = openTestSession(loopbackEndpoint(host), &scheduler, &sessions);
        if (opened.ok())
            session = opened.value();
        else
            error = opened.error();
    }

    NetworkAccessManager nam;
    RequestScheduler scheduler;
    QObject sessions; //!< parent of session: goes before the scheduler it uses
    RegistrySession *session = nullptr;
    Error error;
};

//! QSettings of the test in a temporary directory, never the user's.
inline void isolateSettings(const QTemporaryDir &dir)
{
    QCoreApplication::setOrganizationName(QStringLiteral("berth-test"));
    QCoreApplication::setApplicationName(QStringLiteral("berth-gui-test"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
    // Data the window writes (clean-up journals) stays in the test's folder too.
    qputenv("XDG_DATA_HOME", QFile::encodeName(dir.filePath(QStringLiteral("data"))));
}

//! tag -> digest asked of the registry itself (HEAD), outside the window's view of it.
inline Result<TagDigest> resolveNow(RegistryBackend *backend, const QString &repository,
                                    const QString &tag)
{
    return waitFor(backend->resolveTag(repository, tag, Priority::Interactive), 15000);
}

//! A dark palette (what a dark desktop theme gives) for screenshots in both.
inline QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2e), base(0x1e, 0x1e, 0x20), text(0xe6, 0xe6, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x29));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x6f, 0xb4));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    return p;
}

} // namespace Berth::Test
