// Package signature verifies the qualified electronic signatures on documents that
// participants send to the Data Bank (detached CMS SignedData, CAdES-BES) and the
// certificates of their systems on the exchange's mutual TLS, against the configured
// national trust anchors and the issuers' CRLs.
//
// # Signatures
//
// Verify accepts DER CMS SignedData with exactly one signer whose certificate is
// embedded, detached from the content (attached content is tolerated only if it is
// byte for byte the content given). The digest must be SHA-256, SHA-384 or SHA-512
// and the signature RSA PKCS #1 v1.5 (keys of 2048 bits or more) or ECDSA. Signed
// attributes, when present, must include content-type id-data; signingCertificateV2
// (CAdES) and signingCertificate (ESS), when present, must name the signer's
// certificate. Signatures made by `openssl cms -sign -binary` with or without
// -cades or -noattr verify; Sign makes the same kind, with signingCertificateV2.
//
// The cryptographic check is done by github.com/smallstep/pkcs7 (Verify, that is
// VerifyWithChain with no trust store: the signature against the embedded signer
// certificate only). Chain building, the time rules, key usages and revocation are
// done here: the library's own chain check uses the signer's claimed time and no
// CRLs.
//
// # The time that matters
//
//   - With a signing-time attribute, the signing time must lie in
//     [now − MaxSignatureAge (24 h), now + ClockSkew (5 min)], else the signature is
//     refused as signature_stale: a document is signed when it is sent, so an old
//     signature is one to make again, whatever its certificate. Within that window
//     the chain is verified at the signing time: a certificate that expired after
//     the signature was made, within the last 24 hours, is still accepted. A signing
//     time before the signer's NotBefore (a signer's clock running late) proves
//     nothing, so the chain is then verified now.
//   - Without a signing-time attribute (openssl -noattr), the chain is verified now.
//   - TLS client certificates (VerifyClient) are always verified now.
//
// # Revocation
//
// CRLs are configured (DER or PEM) and can be replaced at run time (SetCRLs,
// LoadCRLs). A certificate of a verified chain, other than the anchor, is revoked
// when its serial is listed in a CRL with the certificate's issuer name whose
// signature verifies against the issuer certificate of that chain. Any listed serial
// counts, whatever its revocation date, because a signing time is asserted by the
// signer (a thief of a key could backdate it). Only full CRLs are supported (no delta
// CRLs, no distribution points fetched). A CRL whose signature does not verify is
// ignored. A CRL past its NextUpdate is still applied and does not make verification
// fail: the operator is responsible for refreshing CRL files. A certificate whose
// issuer has no CRL configured is not checked for revocation.
//
// # Codes
//
// A refusal is an *Error whose Code is one of: signature_malformed,
// signature_invalid, signature_unsupported, signature_stale, certificate_untrusted,
// certificate_expired, certificate_revoked, key_usage (see the Code constants).
// Checks run in this order and the first failure is reported: parsing (malformed),
// algorithms (unsupported), signature over the content (invalid), signed attributes,
// signing time (stale), chain to an anchor at the time that matters (untrusted or
// expired), key usage, revocation.
//
// Key usage: a signer certificate needs digitalSignature or contentCommitment
// (nonRepudiation) in its key usage extension, which must be present; if it has
// extended key usages, one of any, clientAuth, emailProtection or document signing
// (RFC 9336, or Microsoft's). A TLS client certificate needs digitalSignature if it
// has a key usage, and clientAuth (or any) if it has extended key usages.
//
// Package sigtest builds test PKIs with Go and with the openssl command.
package signature
