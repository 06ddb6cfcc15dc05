//! The protocol cores' cost per LwM2M Read round trip, without sockets:
//! `cargo bench -p lwm2m-runtime --bench read_round_trip`. The fleet and the loop are in
//! [`read_fleet`]. Under `valgrind --tool=callgrind --toggle-collect='*one_read*'` with
//! `--bench --profile-time 5` this gives stable instruction counts per read (instructions over
//! the calls of `one_read`).

mod read_fleet;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_runtime::coap::Timestamp;

use read_fleet::{CLIENTS, Fleet, client, server};

fn bench(c: &mut Criterion) {
    let server_addr = "127.0.0.1:5683".parse().unwrap();
    let now = Timestamp::from_millis(1_000);
    let clients = (0..CLIENTS).map(|i| client(i, server_addr, now)).collect();
    let mut fleet = Fleet::new(server(), server_addr, clients, now, false);
    let mut g = c.benchmark_group("read_round_trip");
    g.throughput(Throughput::Elements(1));
    g.bench_function("200_clients", |b| b.iter(|| fleet.one_read()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
