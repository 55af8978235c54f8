#pragma once

#include <QString>

namespace Berth {

//! What a user authenticates with. Never logged, never put into an error message.
struct Credentials
{
    QString username;
    QString password;
    QString identityToken; //!< OAuth2 refresh token (docker's "identitytoken")

    bool isEmpty() const
    {
        return username.isEmpty() && password.isEmpty() && identityToken.isEmpty();
    }
    bool operator==(const Credentials &) const = default;
};

} // namespace Berth
