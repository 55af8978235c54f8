#pragma once

#include <QNetworkAccessManager>
#include <QSslConfiguration>

namespace Berth {

//! The one QNetworkAccessManager of the process (GUI thread). Sets the defaults every request
//! gets: User-Agent, manual redirects (the request layer follows them itself so Authorization
//! never reaches another host), no cache, and no cookie storage (Harbor's "sid" cookie turns
//! basic-auth writes into CSRF failures).
class NetworkAccessManager final : public QNetworkAccessManager
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NetworkAccessManager)
public:
    explicit NetworkAccessManager(QObject *parent = nullptr);

    static QByteArray userAgent();

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoingData) override;
};

} // namespace Berth
