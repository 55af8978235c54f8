#pragma once

// The client stack the unit tests drive against a ScriptedHttpServer on loopback (a server
// whose every answer the test writes), and the small helpers those tests share. Calls return
// jobs: wait for one with waitFor() (jobwait.h).

#include "jobwait.h"
#include "net/core/digest.h"
#include "net/oci/ocibackend.h"
#include "net/oci/registryclient.h"
#include "net/transport/networkaccessmanager.h"
#include "net/transport/requestscheduler.h"
#include "scriptedhttpserver.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <memory>

namespace Berth::Test {

inline QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

//! The descriptor of bytes as a manifest would list it.
inline QJsonObject descriptor(const QString &mediaType, const QByteArray &bytes)
{
    return {{QStringLiteral("mediaType"), mediaType},
            {QStringLiteral("digest"), Digest::sha256(bytes)},
            {QStringLiteral("size"), qint64(bytes.size())}};
}

//! Server, network manager, scheduler and OCI backend (with its RegistryClient) for one test
//! function: plain http to 127.0.0.1:port, no credentials, no retries (the scripted answers
//! are final; retries would only slow the test). Members are torn down backend first.
struct ScriptedStack
{
    ScriptedStack()
        : listening(server.listen())
        , scheduler(&nam)
        , backend(endpointFor(server.port()), &scheduler)
    {
        scheduler.setMaxRetries(0);
    }
    static RegistryEndpoint endpointFor(quint16 port)
    {
        RegistryEndpoint endpoint;
        endpoint.host = QStringLiteral("127.0.0.1:%1").arg(port);
        endpoint.scheme = RegistryEndpoint::Scheme::Http;
        endpoint.credentialSource = RegistryEndpoint::CredentialSource::None;
        return endpoint;
    }
    RegistryClient *client() { return backend.client(); }

    ScriptedHttpServer server;
    bool listening = false;
    NetworkAccessManager nam;
    RequestScheduler scheduler;
    OciBackend backend;
};

//! Base of a test class with a fresh ScriptedStack per test function: call setUpStack() from
//! init() (QVERIFY it) and tearDownStack() from cleanup(); m_server, m_backend and m_client point
//! into the stack in between.
class ScriptedStackTest : public QObject
{
protected:
    bool setUpStack()
    {
        m_stack = std::make_unique<ScriptedStack>();
        m_server = &m_stack->server;
        m_backend = &m_stack->backend;
        m_client = m_stack->client();
        return m_stack->listening;
    }
    void tearDownStack()
    {
        m_server = nullptr;
        m_backend = nullptr;
        m_client = nullptr;
        m_stack.reset();
    }

    std::unique_ptr<ScriptedStack> m_stack;
    ScriptedHttpServer *m_server = nullptr;
    OciBackend *m_backend = nullptr;
    RegistryClient *m_client = nullptr;
};

} // namespace Berth::Test
