#pragma once

#include <QByteArrayView>
#include <QString>

namespace Berth::Digest {

//! "sha256:<64 hex>" of the bytes.
QString sha256(QByteArrayView data);
//! "sha512:<128 hex>" of the bytes.
QString sha512(QByteArrayView data);
//! True for a well-formed digest per the OCI grammar (algorithm ":" encoded) whose algorithm Berth
//! can verify (sha256, sha512) and whose encoding has the right length and alphabet.
bool isValid(QStringView digest);
//! True when the data hashes to the digest (sha256 or sha512). False for malformed digests.
bool matches(QByteArrayView data, QStringView digest);
//! The first 12 hex characters after the algorithm, as people read them ("3f1a9c0b2d4e").
QString shortForm(QStringView digest, int length = 12);

} // namespace Berth::Digest
