//! Lockfile parsers for `hermes-scan deps` (see issue tracker: in progress).
