import { defineMessages } from "./define.ts";

/** Messages of a site's routers (NAS, RADIUS clients): their list, a router's page and its form. */
export const nasMessages = defineMessages({
  id: {
    "nas.title": "Router (klien RADIUS)",
    "nas.lead":
      "Router MikroTik yang boleh bertanya ke server RADIUS agen di lokasi ini. Permintaan dari alamat lain diabaikan.",
    "nas.caption": "Router di lokasi ini",
    "nas.new": "Tambah router",
    "nas.newLead": "Router baru di {site}. Kata sandi rahasia RADIUS-nya dibuat otomatis.",
    "nas.create": "Simpan router",
    "nas.save": "Simpan perubahan",
    "nas.edit": "Ubah router",
    "nas.editNamed": "Ubah router {name}",
    "nas.yes": "Ya",
    "nas.no": "Tidak",

    "nas.empty.title": "Belum ada router",
    "nas.empty.text": "Tambahkan router agar pelanggan PPPoE dan hotspot-nya bisa login lewat agen.",

    "nas.col.name": "Nama",
    "nas.col.address": "Alamat",
    "nas.col.coaPort": "Port CoA",
    "nas.col.messageAuthenticator": "Wajib Message-Authenticator",
    "nas.col.overlap": "Masa rotasi",
    "nas.col.actions": "Tindakan",

    "nas.overlap.none": "—",
    "nas.overlap.until": "Rahasia lama masih diterima sampai {at}",
    "nas.overlap.ended": "Berakhir {at}",
    "nas.overlap.endNow": "Akhiri masa rotasi sekarang",
    "nas.overlap.endConfirm":
      "Rahasia lama router {name} tidak diterima lagi. Pastikan router sudah memakai rahasia baru.",

    "nas.field.name": "Nama router",
    "nas.field.address": "Alamat IP router",
    "nas.field.address.hint":
      "IPv4 atau IPv6 sumber permintaan RADIUS router ini (src-address), sebagaimana agen melihatnya.",
    "nas.field.coaPort": "Port CoA / Disconnect",
    "nas.field.coaPort.hint": "Port /radius incoming di router. Bawaan MikroTik: 1700.",
    "nas.field.requireMessageAuthenticator": "Wajibkan Message-Authenticator (BlastRADIUS)",
    "nas.field.requireMessageAuthenticator.hint":
      "Permintaan tanpa Message-Authenticator yang benar diabaikan. Matikan hanya untuk RouterOS sebelum 7.15.",
    "nas.field.limitProxyState": "Batasi Proxy-State",
    "nas.field.limitProxyState.hint": "Permintaan yang membawa Proxy-State tanpa Message-Authenticator diabaikan.",

    "nas.error.form": "Periksa isian yang ditandai.",
    "nas.error.name.required": "Isi nama router.",
    "nas.error.name.tooLong": "Nama router paling panjang 64 karakter.",
    "nas.error.name.taken": "Sudah ada router dengan nama ini di lokasi ini.",
    "nas.error.address": "Tulis satu alamat IPv4 atau IPv6, tanpa prefiks, misalnya 10.0.0.2.",
    "nas.error.address.taken": "Sudah ada router dengan alamat ini di lokasi ini.",
    "nas.error.coaPort": "Port antara 1 dan 65535.",
    "nas.error.overlap": "Pilih lama masa rotasi dari daftar.",

    "nas.notice.created": "Router disimpan. Tempelkan baris RouterOS di bawah ke terminal router.",
    "nas.notice.saved": "Perubahan disimpan.",
    "nas.notice.rotated":
      "Rahasia baru dibuat. Tampilkan dan tempelkan ke router sebelum masa rotasi berakhir; rahasia lama masih diterima sampai saat itu.",
    "nas.notice.overlapEnded": "Masa rotasi diakhiri: hanya rahasia baru yang diterima.",
    "sites.notice.nasDeleted": "Router dihapus.",

    "nas.routeros.title": "Baris RouterOS",
    "nas.routeros.lead": "Tempelkan baris ini ke terminal router (RouterOS v7).",
    "nas.routeros.agentIp":
      "Ganti {placeholder} dengan alamat IP komputer agen Kilusi di lokasi ini, sebagaimana router menjangkaunya.",
    "nas.routeros.secretHidden": "{placeholder} diganti dengan rahasia router setelah Anda menekan tombol di bawah.",
    "nas.routeros.secretShown": "Baris ini memuat rahasia router. Jangan dibagikan.",
    "nas.routeros.maRequired":
      "require-message-auth=yes-for-request-resp: router mewajibkan Message-Authenticator di balasan agen (agen selalu menyertakannya).",
    "nas.routeros.maNotRequired":
      "Tanpa require-message-auth: router ini dianggap RouterOS sebelum 7.15, yang belum mengenal parameter itu.",

    "nas.secret.reveal": "Tampilkan rahasia",
    "nas.secret.audited": "Setiap kali rahasia ditampilkan, dicatat di log audit.",
    "nas.secret.generated": "Rahasia (24 byte acak) dibuat otomatis dan disimpan terenkripsi.",

    "nas.detail.title": "Rincian",
    "nas.detail.created": "Ditambahkan",
    "nas.detail.updated": "Terakhir diubah",

    "nas.rotate.title": "Ganti rahasia",
    "nas.rotate.lead":
      "Rahasia baru dibuat; yang lama masih diterima selama masa rotasi, agar router tetap jalan sampai Anda menempelkan yang baru.",
    "nas.rotate.overlap": "Rahasia lama masih diterima selama",
    "nas.rotate.overlap.1h": "1 jam",
    "nas.rotate.overlap.24h": "24 jam",
    "nas.rotate.overlap.7d": "7 hari",
    "nas.rotate.submit": "Buat rahasia baru",

    "nas.delete.title": "Hapus router",
    "nas.delete.text": "Agen berhenti menjawab router ini; pelanggannya tidak bisa login lewat router ini lagi.",
    "nas.delete": "Hapus router",
    "nas.deleteConfirm": "Hapus router {name}? Agen tidak akan menjawabnya lagi.",
  },
  en: {
    "nas.title": "Routers (RADIUS clients)",
    "nas.lead":
      "The MikroTik routers allowed to ask this site's agent for RADIUS. Requests from other addresses are ignored.",
    "nas.caption": "Routers at this site",
    "nas.new": "Add a router",
    "nas.newLead": "A new router at {site}. Its RADIUS secret is generated for you.",
    "nas.create": "Save router",
    "nas.save": "Save changes",
    "nas.edit": "Edit router",
    "nas.editNamed": "Edit router {name}",
    "nas.yes": "Yes",
    "nas.no": "No",

    "nas.empty.title": "No routers yet",
    "nas.empty.text": "Add a router so its PPPoE and hotspot subscribers can log in through the agent.",

    "nas.col.name": "Name",
    "nas.col.address": "Address",
    "nas.col.coaPort": "CoA port",
    "nas.col.messageAuthenticator": "Message-Authenticator required",
    "nas.col.overlap": "Rotation window",
    "nas.col.actions": "Actions",

    "nas.overlap.none": "—",
    "nas.overlap.until": "Old secret accepted until {at}",
    "nas.overlap.ended": "Ended {at}",
    "nas.overlap.endNow": "End overlap now",
    "nas.overlap.endConfirm":
      "Router {name}'s old secret will no longer be accepted. Make sure the router uses the new one.",

    "nas.field.name": "Router name",
    "nas.field.address": "Router IP address",
    "nas.field.address.hint":
      "The IPv4 or IPv6 source address of this router's RADIUS requests (src-address), as the agent sees it.",
    "nas.field.coaPort": "CoA / Disconnect port",
    "nas.field.coaPort.hint": "The router's /radius incoming port. MikroTik's default: 1700.",
    "nas.field.requireMessageAuthenticator": "Require Message-Authenticator (BlastRADIUS)",
    "nas.field.requireMessageAuthenticator.hint":
      "Requests without a valid Message-Authenticator are ignored. Turn off only for RouterOS before 7.15.",
    "nas.field.limitProxyState": "Limit Proxy-State",
    "nas.field.limitProxyState.hint": "Requests carrying Proxy-State without a Message-Authenticator are ignored.",

    "nas.error.form": "Check the highlighted fields.",
    "nas.error.name.required": "Enter the router's name.",
    "nas.error.name.tooLong": "A router name is at most 64 characters.",
    "nas.error.name.taken": "Another router at this site already has this name.",
    "nas.error.address": "Enter one IPv4 or IPv6 address, without a prefix, e.g. 10.0.0.2.",
    "nas.error.address.taken": "Another router at this site already has this address.",
    "nas.error.coaPort": "A port between 1 and 65535.",
    "nas.error.overlap": "Pick the rotation window from the list.",

    "nas.notice.created": "Router saved. Paste the RouterOS lines below into the router's terminal.",
    "nas.notice.saved": "Changes saved.",
    "nas.notice.rotated":
      "New secret created. Show it and paste it into the router before the window ends; the old one is accepted until then.",
    "nas.notice.overlapEnded": "Rotation window ended: only the new secret is accepted.",
    "sites.notice.nasDeleted": "Router deleted.",

    "nas.routeros.title": "RouterOS lines",
    "nas.routeros.lead": "Paste these lines into the router's terminal (RouterOS v7).",
    "nas.routeros.agentIp":
      "Replace {placeholder} with the IP address of the Kilusi agent's machine at this site, as the router reaches it.",
    "nas.routeros.secretHidden": "{placeholder} is replaced by the router's secret once you press the button below.",
    "nas.routeros.secretShown": "These lines hold the router's secret. Do not share them.",
    "nas.routeros.maRequired":
      "require-message-auth=yes-for-request-resp: the router requires Message-Authenticator in the agent's replies (the agent always sends it).",
    "nas.routeros.maNotRequired":
      "No require-message-auth: this router is taken to run RouterOS before 7.15, which does not know the parameter.",

    "nas.secret.reveal": "Show secret",
    "nas.secret.audited": "Every time the secret is shown, it is recorded in the audit log.",
    "nas.secret.generated": "The secret (24 random bytes) is generated and stored encrypted.",

    "nas.detail.title": "Details",
    "nas.detail.created": "Added",
    "nas.detail.updated": "Last changed",

    "nas.rotate.title": "Rotate secret",
    "nas.rotate.lead":
      "A new secret is created; the old one is still accepted during the window, so the router keeps working until you paste the new one.",
    "nas.rotate.overlap": "Keep accepting the old secret for",
    "nas.rotate.overlap.1h": "1 hour",
    "nas.rotate.overlap.24h": "24 hours",
    "nas.rotate.overlap.7d": "7 days",
    "nas.rotate.submit": "Create a new secret",

    "nas.delete.title": "Delete router",
    "nas.delete.text": "The agent stops answering this router; its subscribers can no longer log in through it.",
    "nas.delete": "Delete router",
    "nas.deleteConfirm": "Delete router {name}? The agent will no longer answer it.",
  },
});
