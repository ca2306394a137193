import { accountsMessages } from "./messages/accounts.ts";
import { billingMessages } from "./messages/billing.ts";
import { customersMessages } from "./messages/customers.ts";
import { invoicesMessages } from "./messages/invoices.ts";
import { nasMessages } from "./messages/nas.ts";
import { paymentsMessages } from "./messages/payments.ts";
import { plansMessages } from "./messages/plans.ts";
import { platformMessages } from "./messages/platform.ts";
import { radiusMessages } from "./messages/radius.ts";
import { reportsMessages } from "./messages/reports.ts";
import { sitesMessages } from "./messages/sites.ts";
import { subscriptionsMessages } from "./messages/subscriptions.ts";
import { teamMessages } from "./messages/team.ts";
import { vouchersMessages } from "./messages/vouchers.ts";

/**
 * Indonesian, the default locale and the reference catalogue: its keys define `MessageKey`,
 * and every other locale must have exactly these keys. `{name}` marks a parameter.
 */
export const id = {
  "app.name": "Kilusi",
  "app.tagline": "Billing dan jaringan untuk ISP kecil dan menengah",

  "skip.toContent": "Langsung ke konten utama",
  "lang.label": "Bahasa",

  "nav.primary": "Navigasi utama",
  "nav.page": "Di halaman ini",
  "nav.menu": "Menu",
  "nav.dashboard": "Dasbor",
  "nav.customers": "Pelanggan",
  "nav.plans": "Paket",
  "nav.invoices": "Tagihan",
  "nav.payments": "Pembayaran",
  "nav.vouchers": "Voucher",
  "nav.reports": "Laporan",
  "nav.network": "Jaringan & site",
  "nav.tickets": "Tiket",
  "nav.settings": "Pengaturan",

  "footer.text": "Kilusi · billing dan jaringan untuk ISP kecil dan menengah",

  "landing.meta.title": "Kilusi — billing, isolir, dan jaringan untuk ISP Anda",
  "landing.meta.description":
    "Kilusi menagih pelanggan, mengingatkan lewat WhatsApp, mengisolir yang menunggak, memulihkan yang sudah bayar, dan tetap melayani login saat uplink putus.",
  "landing.nav.features": "Fitur",
  "landing.nav.how": "Cara kerja",
  "landing.hero.eyebrow": "Untuk RT/RW-net, WISP, dan FTTH",
  "landing.hero.title": "Tagihan, isolir, dan jaringan ISP Anda dalam satu tempat",
  "landing.hero.lead":
    "Kilusi menagih pelanggan, mengingatkan lewat WhatsApp, mengisolir yang menunggak dan memulihkan yang sudah bayar — lalu memeriksa di router bahwa semua itu benar-benar terjadi.",
  "landing.hero.cta": "Lihat fiturnya",
  "landing.hero.secondary": "Cara kerjanya",

  "landing.demo.label": "Contoh: dari pembayaran sampai internet pulih",
  "landing.demo.subscriber": "Budi Santoso · Paket 20 Mbps",
  "landing.demo.status": "Aktif",
  "landing.demo.paid": "Pembayaran Rp150.000 diterima lewat QRIS",
  "landing.demo.invoice": "Tagihan Mei ditandai lunas",
  "landing.demo.sent": "Perintah pulihkan dikirim ke router",
  "landing.demo.verified": "Sesi PPPoE aktif lagi — dibaca ulang dari router",
  "landing.demo.total": "Total {seconds} detik, tanpa menunggu jadwal berikutnya",

  "landing.features.title": "Yang dikerjakan Kilusi untuk Anda",
  "landing.features.lead":
    "Dibuat untuk masalah yang paling sering dikeluhkan pemilik ISP: pelanggan menunggak tetap online, pelanggan yang sudah bayar masih terisolir, dan semuanya berhenti saat koneksi ke server putus.",
  "landing.feature.billing.title": "Tagihan otomatis",
  "landing.feature.billing.text":
    "Tagihan bulanan per pelanggan, prorata saat ganti paket, pembayaran tunai lewat kolektor maupun online lewat payment gateway, dan buku besar yang selalu seimbang.",
  "landing.feature.isolation.title": "Isolir yang benar-benar terjadi",
  "landing.feature.isolation.text":
    "Status tagihan menggerakkan jaringan lewat satu jalur, dan hasilnya dibaca ulang dari router. Yang menunggak benar-benar terisolir; yang sudah bayar pulih dalam hitungan detik.",
  "landing.feature.agent.title": "Tetap jalan saat uplink putus",
  "landing.feature.agent.text":
    "Agen di setiap site melayani RADIUS dari salinan lokal, jadi pelanggan tetap bisa login. Data pemakaian disimpan di disk dan dikirim saat koneksi kembali — tidak hilang, tidak terhitung dua kali.",
  "landing.feature.vouchers.title": "Voucher hotspot",
  "landing.feature.vouchers.text":
    "Buat voucher per paket dan masa aktif, cetak untuk reseller, dan lihat mana yang sudah terpakai.",
  "landing.feature.whatsapp.title": "Pengingat WhatsApp",
  "landing.feature.whatsapp.text":
    "Pengingat jatuh tempo, kuitansi, dan pemberitahuan isolir terkirim otomatis lewat WhatsApp, tanpa perlu menyalin pesan satu per satu.",
  "landing.feature.tenancy.title": "Data Anda hanya milik Anda",
  "landing.feature.tenancy.text":
    "Setiap ISP punya ruangnya sendiri. Pemisahan data dijaga oleh database di setiap query, bukan hanya oleh tampilan — dan selalu diuji.",

  "landing.how.title": "Cara kerjanya",
  "landing.how.lead": "Bekerja dengan MikroTik, OLT, dan GenieACS yang sudah Anda punya.",
  "landing.how.agent.title": "Pasang agen di site Anda",
  "landing.how.agent.text":
    "Satu program kecil di mini PC, atau sebagai container di MikroTik. Agen yang menghubungi cloud, jadi tidak perlu IP publik.",
  "landing.how.setup.title": "Masukkan paket dan pelanggan",
  "landing.how.setup.text":
    "Router, OLT, dan GenieACS dijangkau lewat agen; pelanggan PPPoE dan hotspot diatur dari satu tempat.",
  "landing.how.run.title": "Kilusi menjalankan sisanya",
  "landing.how.run.text":
    "Menagih, mengingatkan, mengisolir, memulihkan — dan melaporkan apa yang benar-benar terjadi di jaringan.",

  "error.requestId": "ID permintaan",
  "error.quote": "Sebutkan ID ini saat menghubungi dukungan.",
  "error.home": "Kembali ke beranda",
  "error.status": "Kode {status}",
  "error.generic.title": "Terjadi kesalahan",
  "error.generic.text": "Permintaan Anda tidak dapat diselesaikan. Coba lagi sebentar lagi.",
  "error.bad_request.title": "Permintaan tidak valid",
  "error.bad_request.text": "Periksa kembali isian Anda, lalu coba lagi.",
  "error.validation_failed.title": "Ada isian yang belum benar",
  "error.validation_failed.text": "Perbaiki isian yang ditandai, lalu kirim lagi.",
  "error.unauthenticated.title": "Silakan masuk dulu",
  "error.unauthenticated.text": "Sesi Anda sudah berakhir, atau Anda belum masuk.",
  "error.forbidden.title": "Akses ditolak",
  "error.forbidden.text": "Akun Anda tidak punya izin untuk tindakan ini.",
  "error.not_found.title": "Tidak ditemukan",
  "error.not_found.text": "Halaman atau data yang Anda cari tidak ada.",
  "error.method_not_allowed.title": "Tindakan tidak didukung",
  "error.method_not_allowed.text": "Halaman ini tidak menerima permintaan seperti itu.",
  "error.conflict.title": "Data baru saja berubah",
  "error.conflict.text": "Orang lain baru saja mengubah data ini. Muat ulang halaman, lalu coba lagi.",
  "error.payload_too_large.title": "Kiriman terlalu besar",
  "error.payload_too_large.text": "Data yang dikirim melebihi batas ukuran.",
  "error.unsupported_media_type.title": "Format tidak didukung",
  "error.unsupported_media_type.text": "Format data yang dikirim tidak dikenali.",
  "error.unprocessable.title": "Tidak dapat diproses",
  "error.unprocessable.text": "Permintaan dimengerti, tetapi tidak bisa dijalankan.",
  "error.rate_limited.title": "Terlalu banyak permintaan",
  "error.rate_limited.text": "Tunggu sebentar, lalu coba lagi.",
  "error.internal_error.title": "Terjadi kesalahan di sistem kami",
  "error.internal_error.text":
    "Ini bukan kesalahan Anda. Coba lagi sebentar lagi; jika masih terjadi, hubungi dukungan.",
  ...accountsMessages.id,
  ...teamMessages.id,
  ...platformMessages.id,
  ...billingMessages.id,
  ...plansMessages.id,
  ...customersMessages.id,
  ...subscriptionsMessages.id,
  ...invoicesMessages.id,
  ...paymentsMessages.id,
  ...vouchersMessages.id,
  ...reportsMessages.id,
  ...sitesMessages.id,
  ...radiusMessages.id,
  ...nasMessages.id,
} as const;

export type MessageKey = keyof typeof id;

/** The shape every locale's catalogue has: exactly the keys of `id`, each a string. */
export type Messages = { readonly [K in MessageKey]: string };
