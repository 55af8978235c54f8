#pragma once

// Shared by the GUI tests: one client stack as the app builds it, settings kept out of the
// user's files, and small waits on backend calls.

#include "models/metadata/metadataservice.h"
#include "net/core/registryendpoint.h"
#include "net/oci/ocibackend.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"

#include <QCoreApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

namespace Berth::Test {

//! NetworkAccessManager + RequestScheduler + OciBackend + MetadataService for a loopback
//! registry, with quick retries so a stopped registry fails in well under a second.
struct GuiStack
{
    explicit GuiStack(const QString &host)
        : scheduler(&nam)
        , backend(endpointFor(host), &scheduler)
        , service(&backend, nullptr)
    {
        // One quick retry: the error banner test waits for the failure, not for back-off.
        scheduler.setMaxRetries(1);
        scheduler.setRetryDelays(10, 50);
    }
    static RegistryEndpoint endpointFor(const QString &host)
    {
        RegistryEndpoint endpoint;
        endpoint.host = host;
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
        return endpoint;
    }
    NetworkAccessManager nam;
    RequestScheduler scheduler;
    OciBackend backend;
    MetadataService service;
};

//! QSettings of the test in a temporary directory, never the user's.
inline void isolateSettings(const QTemporaryDir &dir)
{
    QCoreApplication::setOrganizationName(QStringLiteral("berth-test"));
    QCoreApplication::setApplicationName(QStringLiteral("berth-gui-test"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
}

//! tag -> digest asked of the registry itself (HEAD), outside the window's view of it.
inline Result<TagDigest> resolveNow(RegistryBackend *backend, const QString &repository,
                                    const QString &tag)
{
    std::optional<Result<TagDigest>> out;
    QObject context;
    backend->resolveTag(repository, tag, CallOptions{Priority::Interactive, 0}, &context,
                        [&out](const Result<TagDigest> &result) { out = result; });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, 15000))
        return Error(ErrorCode::Timeout, QStringLiteral("no answer"));
    return *out;
}

} // namespace Berth::Test
