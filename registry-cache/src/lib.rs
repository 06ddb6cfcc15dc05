//! `lwm2m-registry`: the OMA registry as pinned data.
