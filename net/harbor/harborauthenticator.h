#pragma once

#include "net/auth/authenticator.h"

namespace Berth {

//! Basic auth on every request to Harbor's REST API (it has no token flow of its own and treats
//! a request without credentials as anonymous). Robot names ("robot$ci") go into the header
//! verbatim: base64 keeps the '$'. Requests to any other host get nothing.
class HarborAuthenticator final : public Authenticator
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HarborAuthenticator)
public:
    explicit HarborAuthenticator(QObject *parent = nullptr);

    void setCredentials(const Credentials &credentials) { m_credentials = credentials; }
    bool hasCredentials() const { return !m_credentials.username.isEmpty(); }
    //! The Harbor server; only its host and port get the header.
    void setBaseUrl(const QUrl &base) { m_base = base; }

    QByteArray authorization(const QUrl &url, const QString &scope) const override;
    void handleChallenge(const QList<AuthChallenge> &challenges, const QString &scope,
                         QObject *context, std::function<void(Error)> done) override;

private:
    Credentials m_credentials;
    QUrl m_base;
};

} // namespace Berth
