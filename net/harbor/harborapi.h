#pragma once

#include "net/harbor/harborjson.h"
#include "net/oci/registryclient.h"

#include <QObject>
#include <QPointer>

#include <utility>

namespace Berth {

class HarborAuthenticator;

using QueryItems = QList<std::pair<QString, QString>>;

//! One page of a Harbor listing: the body plus Harbor's paging headers.
struct HarborPage
{
    QByteArray body;
    qint64 total = -1;    //!< X-Total-Count, -1 when absent
    bool hasNext = false; //!< Link rel="next" present
};

//! Harbor's REST API (2.x under /api/v2.0, 1.x under /api) for one server: basic auth on every
//! call, the registry client's scheme and TLS settings, Harbor's error cases as messages.
//! Every call returns a job that finishes exactly once (children of the api object).
class HarborApi final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborApi)
public:
    //! client: the /v2/ client of the same server (its ping settles http vs https).
    HarborApi(RegistryClient *client, HarborGeneration generation, QObject *parent = nullptr);

    HarborGeneration generation() const { return m_generation; }
    void setGeneration(HarborGeneration generation) { m_generation = generation; }
    RegistryClient *client() const { return m_client; }

    //! Pings the registry (scheme) and resolves the credentials once; calls wait for it.
    ResultJob<void> *ensureReady();
    bool hasCredentials() const;

    //! "/api/v2.0" or "/api".
    QString root() const;
    //! The path of a repository in the API, below root(): 2.x "/projects/p/repositories/a%2Fb"
    //! (double-encoded on the wire), 1.x "/repositories/p/a/b". Empty for a name without a
    //! project part.
    QString repositoryPath(const QString &repository) const;

    //! A request to root() + path (decoded form: '%' in it is sent as %25). Query values are
    //! percent-encoded completely ("tags=~x" -> "tags%3D~x"). The result is the response,
    //! whatever its status (callers map it); an error only when the server was not ready.
    ResultJob<Response> *send(const QByteArray &method, const QString &path,
                              const QueryItems &query, const QByteArray &jsonBody,
                              Priority priority);
    //! GET a page; errors mapped with harborError(what).
    ResultJob<HarborPage> *getPage(const QString &path, const QueryItems &query,
                                   const QString &what, Priority priority);
    //! A write (Interactive); errors mapped with harborError(what).
    ResultJob<void> *write(const QByteArray &method, const QString &path, const QueryItems &query,
                           const QByteArray &jsonBody, const QString &what);

    //! Harbor caps page_size at 100 (2.x swagger; 1.x servers allow 500 but 100 is safe).
    static constexpr int MaxPageSize = 100;

private:
    void prepare(Task<void> *ready);

    QPointer<RegistryClient> m_client;
    HarborGeneration m_generation;
    HarborAuthenticator *m_auth;
    bool m_ready = false;
    QPointer<ResultJob<void>> m_preparing; //!< shared by every call waiting for readiness
};

} // namespace Berth
