//! The card's side of vsmartcard's virtual reader driver (vpcd), so that pcscd sees a
//! [`VirtualCard`] as a card in a real PC/SC reader.
//!
//! vpcd listens on TCP (35963 for `Virtual PCD 00 00`, 35964 for `… 00 01`); a card is a
//! program that connects to it. Connecting is an insertion, closing the socket a
//! removal. Each message either way is a 2-byte big-endian length and a payload. From
//! vpcd, a 1-byte payload is a control ([`CTRL_OFF`], [`CTRL_ON`], [`CTRL_RESET`],
//! [`CTRL_ATR`]) and anything longer a command APDU; the card answers the ATR request
//! with its ATR and each command APDU with a response APDU, and nothing else.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};

use super::reader::Transport;
use super::virtual_card::VirtualCard;

/// vpcd's port for its first reader (`Virtual PCD 00 00`).
pub const DEFAULT_PORT: u16 = 35963;

/// Control: power the card off.
pub const CTRL_OFF: u8 = 0;
/// Control: power the card on.
pub const CTRL_ON: u8 = 1;
/// Control: reset the card.
pub const CTRL_RESET: u8 = 2;
/// Control: send the ATR (vpcd also asks this to poll the card's presence).
pub const CTRL_ATR: u8 = 4;

/// The ATR of an ISO/IEC 14443-4 type B card as a PC/SC part 3 contactless reader
/// builds it: `3B 88 80 01`, eight historical bytes (the ATQB's application data, its
/// protocol info, the MBLI) and the check byte TCK.
pub const ATR: [u8; 13] = with_tck([
    0x3B, 0x88, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x77, 0x81, 0x81, 0x00, 0x00,
]);

/// Sets an ATR's last byte to its TCK: the XOR of every byte from T0 to the one before
/// TCK, so that T0 … TCK XOR to zero.
const fn with_tck<const N: usize>(mut atr: [u8; N]) -> [u8; N] {
    let mut x = 0;
    let mut i = 1;
    while i + 1 < N {
        x ^= atr[i];
        i += 1;
    }
    atr[N - 1] = x;
    atr
}

/// How a session with vpcd ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// vpcd closed the connection (pcscd stopped, or the driver gave the card up).
    Closed {
        /// Command APDUs answered.
        apdus: usize,
    },
    /// The card's pull switch ([`VirtualCard::pull_after`]) fired: the card closed the
    /// socket, which pcscd sees as the card taken off the reader mid-read.
    Pulled {
        /// Command APDUs answered before the pull.
        apdus: usize,
    },
}

/// Serves `card` to vpcd over `stream` (already connected) until either side closes.
/// Power off, power on and reset all reset the card (its application and secure
/// messaging must be set up again); the ATR request is answered with `atr`.
pub fn serve(mut stream: TcpStream, card: &mut VirtualCard, atr: &[u8]) -> io::Result<Outcome> {
    stream.set_nodelay(true)?;
    let mut apdus = 0;
    loop {
        let Some(msg) = receive(&mut stream)? else {
            return Ok(Outcome::Closed { apdus });
        };
        match msg.as_slice() {
            // vpcd sends no empty message; one is ignored rather than answered.
            [] => {}
            [CTRL_OFF | CTRL_ON | CTRL_RESET] => card.reset(),
            [CTRL_ATR] => {
                if !send(&mut stream, atr)? {
                    return Ok(Outcome::Closed { apdus });
                }
            }
            // An unknown control gets no answer, as vpcd expects none.
            [other] => tracing::debug!(control = other, "vpcd: unknown control ignored"),
            apdu => {
                let Ok(response) = card.transmit(apdu) else {
                    // The pull switch: the card leaves the field without answering.
                    let _ = stream.shutdown(Shutdown::Both);
                    return Ok(Outcome::Pulled { apdus });
                };
                apdus += 1;
                if !send(&mut stream, &response)? {
                    return Ok(Outcome::Closed { apdus });
                }
            }
        }
    }
}

/// Whether an I/O error means the other side went away.
fn gone(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// Acknowledges what arrives at once. vpcd writes a message's length and its payload
/// with two `send`s on a socket with Nagle's algorithm on, so the payload waits for the
/// length's ACK; a delayed ACK (40 ms on Linux) would then hold every APDU up. The
/// kernel leaves quick-ACK mode by itself, so this is set before every read.
fn quick_ack(stream: &TcpStream) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Err(e) = socket2::SockRef::from(stream).set_tcp_quickack(true) {
        tracing::debug!(error = %e, "vpcd: TCP_QUICKACK not set");
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = stream;
}

/// One message; `None` when the peer closed the connection.
fn receive(stream: &mut TcpStream) -> io::Result<Option<Vec<u8>>> {
    quick_ack(stream);
    let mut len = [0u8; 2];
    match stream.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if gone(&e) => return Ok(None),
        Err(e) => return Err(e),
    }
    let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
    quick_ack(stream);
    match stream.read_exact(&mut msg) {
        Ok(()) => Ok(Some(msg)),
        Err(e) if gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sends one message; `false` when the peer closed the connection.
fn send(stream: &mut TcpStream, payload: &[u8]) -> io::Result<bool> {
    let Ok(len) = u16::try_from(payload.len()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a {}-byte message does not fit vpcd's framing",
                payload.len()
            ),
        ));
    };
    let mut frame = Vec::with_capacity(payload.len() + 2);
    frame.extend(len.to_be_bytes());
    frame.extend(payload);
    match stream.write_all(&frame) {
        Ok(()) => Ok(true),
        Err(e) if gone(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::mrz;
    use crate::card::reader::{self, ReadError};
    use crate::card::virtual_card::demo_holder;
    use std::net::TcpListener;
    use std::thread;
    use std::time::Duration;

    /// The reader's side of vpcd over a socket, as a [`Transport`].
    struct Vpcd(TcpStream);

    impl Vpcd {
        fn control(&mut self, c: u8) {
            self.0.write_all(&[0, 1, c]).unwrap();
        }

        fn receive(&mut self) -> io::Result<Vec<u8>> {
            let mut len = [0u8; 2];
            self.0.read_exact(&mut len)?;
            let mut msg = vec![0u8; usize::from(u16::from_be_bytes(len))];
            self.0.read_exact(&mut msg)?;
            Ok(msg)
        }
    }

    impl Transport for Vpcd {
        fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, String> {
            let len = u16::try_from(apdu.len()).map_err(|e| e.to_string())?;
            let mut frame = len.to_be_bytes().to_vec();
            frame.extend(apdu);
            self.0.write_all(&frame).map_err(|e| e.to_string())?;
            self.receive().map_err(|e| e.to_string())
        }
    }

    /// A listening "vpcd" and a card served to it on a thread.
    fn pair(card: VirtualCard) -> (Vpcd, thread::JoinHandle<io::Result<Outcome>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = thread::spawn(move || {
            let mut card = card;
            serve(TcpStream::connect(addr)?, &mut card, &ATR)
        });
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        (Vpcd(stream), server)
    }

    fn info() -> String {
        let h = demo_holder();
        mrz::bac_key_seed_input(&h.id_number, h.birth, h.expiry).unwrap()
    }

    fn nonce() -> impl FnMut(&mut [u8]) {
        let mut rng = crate::rng::SplitMix64(11);
        move |buf: &mut [u8]| {
            for b in buf {
                *b = rng.next_u64().to_le_bytes()[0];
            }
        }
    }

    #[test]
    fn the_atr_is_contactless_and_its_check_byte_is_right() {
        assert_eq!(ATR[..4], [0x3B, 0x88, 0x80, 0x01]);
        // T0's low nibble counts the historical bytes: TS, T0, TD1, TD2, them, TCK.
        assert_eq!(ATR.len(), 4 + usize::from(ATR[1] & 0x0F) + 1);
        assert_eq!(ATR[1..].iter().fold(0, |x, b| x ^ b), 0);
        assert_eq!(ATR[12], 0x7E);
    }

    #[test]
    fn a_whole_read_over_the_vpcd_framing() {
        let card = VirtualCard::new(&demo_holder(), 5).unwrap();
        let (mut vpcd, server) = pair(card);
        vpcd.control(CTRL_ON);
        vpcd.control(CTRL_ATR);
        assert_eq!(vpcd.receive().unwrap(), ATR);
        let read = reader::read(&mut vpcd, &info(), &mut nonce()).unwrap();
        assert_eq!(read.details.full_name.as_deref(), Some("Lê Thị Thu Hà"));
        assert_eq!(read.td1.id_number.as_deref(), Some("079192019782"));
        // vpcd polls presence with ATR requests between commands.
        vpcd.control(CTRL_ATR);
        assert_eq!(vpcd.receive().unwrap(), ATR);
        drop(vpcd);
        assert_eq!(
            server.join().unwrap().unwrap(),
            Outcome::Closed {
                apdus: read.apdu_count
            }
        );
    }

    #[test]
    fn a_reset_ends_secure_messaging() {
        let card = VirtualCard::new(&demo_holder(), 6).unwrap();
        let (mut vpcd, server) = pair(card);
        reader::read(&mut vpcd, &info(), &mut nonce()).unwrap();
        vpcd.control(CTRL_RESET);
        // A protected SELECT (CLA 0C) after the reset: no session any more.
        let answer = vpcd
            .transmit(&[0x0C, 0xA4, 0x02, 0x0C, 0x00])
            .expect("an answer");
        assert_eq!(answer, [0x69, 0x88]);
        // Power off and on: the card starts over and reads again.
        vpcd.control(CTRL_OFF);
        vpcd.control(CTRL_ON);
        assert!(reader::read(&mut vpcd, &info(), &mut nonce()).is_ok());
        drop(vpcd);
        assert!(matches!(server.join().unwrap(), Ok(Outcome::Closed { .. })));
    }

    #[test]
    fn the_pull_switch_closes_the_socket_mid_read() {
        let mut card = VirtualCard::new(&demo_holder(), 7).unwrap();
        card.pull_after = Some(8);
        let (mut vpcd, server) = pair(card);
        let err = reader::read(&mut vpcd, &info(), &mut nonce()).unwrap_err();
        assert!(matches!(err, ReadError::Transport(_)), "{err:?}");
        assert_eq!(
            server.join().unwrap().unwrap(),
            Outcome::Pulled { apdus: 8 }
        );
    }

    #[test]
    fn unknown_controls_and_empty_messages_get_no_answer() {
        let card = VirtualCard::new(&demo_holder(), 8).unwrap();
        let (mut vpcd, server) = pair(card);
        vpcd.control(9);
        vpcd.0.write_all(&[0, 0]).unwrap();
        // The next answer is the ATR's: nothing came for the two messages before.
        vpcd.control(CTRL_ATR);
        assert_eq!(vpcd.receive().unwrap(), ATR);
        // A truncated message, then the reader goes away.
        vpcd.0.write_all(&[0, 9, 1, 2]).unwrap();
        drop(vpcd);
        assert_eq!(
            server.join().unwrap().unwrap(),
            Outcome::Closed { apdus: 0 }
        );
    }
}
