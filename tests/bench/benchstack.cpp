#include "benchstack.h"

#include "jobwait.h"

using namespace Qt::StringLiterals;

namespace Berth::Test {

QJsonObject RequestCounts::toJson() const
{
    return {{u"total"_s, total()},
            {u"head_manifest"_s, heads},
            {u"get_manifest"_s, manifestGets},
            {u"get_blob"_s, blobGets},
            {u"listing"_s, listings},
            {u"other"_s, other}};
}

QString RequestCounts::toText() const
{
    return u"%1 (%2 HEAD, %3 manifest, %4 blob)"_s.arg(total())
            .arg(heads)
            .arg(manifestGets)
            .arg(blobGets);
}

static RegistryEndpoint endpointFor(const QString &host, const Credentials &credentials)
{
    RegistryEndpoint endpoint;
    endpoint.host = host;
    endpoint.scheme = RegistryEndpoint::Scheme::Http;
    endpoint.credentialSource = credentials.username.isEmpty()
                                        ? RegistryEndpoint::CredentialSource::None
                                        : RegistryEndpoint::CredentialSource::Explicit;
    endpoint.credentials = credentials;
    return endpoint;
}

BenchStack::BenchStack(const QString &host, MetadataCache *cache, const Credentials &credentials,
                       BackendKind kind, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpointFor(host, credentials))
    , m_options{kind, false, cache}
    , m_scheduler(&m_nam)
{
    connect(&m_scheduler, &RequestScheduler::attemptStarted, this, &BenchStack::onAttempt);
}

BenchStack::~BenchStack()
{
    delete m_session;
}

Error BenchStack::open(int timeoutMs)
{
    const QPointer<SessionOpener> opener
            = openSession(m_endpoint, m_options, &m_scheduler, this, this);
    const Result<RegistrySession *> opened = waitFor<RegistrySession *>(opener, timeoutMs);
    if (opener)
        opener->cancel(); // timed out: no session may turn up later
    if (!opened.ok())
        return opened.error();
    m_session = *opened;
    resetCounts();
    return {};
}

void RequestCounts::count(const QByteArray &method, const QString &path)
{
    if (method == "HEAD" && path.contains(u"/manifests/"_s))
        ++heads;
    else if (method == "GET" && path.contains(u"/manifests/"_s))
        ++manifestGets;
    else if (method == "GET" && path.contains(u"/blobs/"_s))
        ++blobGets;
    else if (path.endsWith(u"/tags/list"_s) || path.endsWith(u"/_catalog"_s)
             || path.endsWith(u"/artifacts"_s) || path.endsWith(u"/tags"_s))
        ++listings;
    else
        ++other;
}

void BenchStack::onAttempt(const QByteArray &method, const QUrl &url)
{
    m_counts.count(method, url.path());
}

} // namespace Berth::Test
