// The Indonesian of ODK Web Forms' own words. @getodk/web-forms 0.22.0 has no way to
// translate them: they are English literals in its components (its source marks them
// "TODO: translations"). build.mjs replaces each literal below, exactly as it stands in
// the pinned version's dist/, and fails when one is not found, so a new version is
// checked word by word before it ships. The form's own labels, hints and messages come
// from the XForm and are not here.
export const replacements = [
  // The form's footer.
  ['label: "Send"', 'label: "Kirim"'],
  ['createElementVNode("span", { class: "caption" }, "Powered by")', 'createElementVNode("span", { class: "caption" }, "Didukung oleh")'],
  ['QA === 1 ? "1 question with error." : `${QA} questions with errors.`', 'QA === 1 ? "1 pertanyaan perlu diperbaiki." : `${QA} pertanyaan perlu diperbaiki.`'],
  // The messages of a question left empty or breaking its constraint, when the form gives
  // none of its own.
  ['constraintMsg: "Condition not satisfied: constraint"', 'constraintMsg: "Jawaban ini tidak memenuhi syarat."'],
  ['requiredMsg: "Condition not satisfied: required"', 'requiredMsg: "Wajib diisi."'],
  // Repeats.
  ['createTextVNode(" Add ", -1)', 'createTextVNode(" Tambah ", -1)'],
  ['label: "Remove"', 'label: "Hapus"'],
  // The language menu, ranking, images, locations, a form that does not load.
  ['label: "Change language"', 'label: "Ganti bahasa"'],
  ['createElementVNode("span", null, "Rank items", -1)', 'createElementVNode("span", null, "Urutkan", -1)'],
  ['createElementVNode("span", null, "Take picture", -1)', 'createElementVNode("span", null, "Ambil foto", -1)'],
  ['createElementVNode("span", null, "Choose image", -1)', 'createElementVNode("span", null, "Pilih gambar", -1)'],
  ['createElementVNode("span", null, "Get location", -1)', 'createElementVNode("span", null, "Ambil lokasi", -1)'],
  ['createElementVNode("strong", null, "Finding your location", -1)', 'createElementVNode("strong", null, "Mencari lokasi Anda", -1)'],
  ['createElementVNode("strong", null, "Cannot access location", -1)', 'createElementVNode("strong", null, "Lokasi tidak dapat diakses", -1)'],
  ['createElementVNode("span", null, "Grant location permission in the browser settings and make sure location is turned on.", -1)',
    'createElementVNode("span", null, "Izinkan akses lokasi di pengaturan peramban dan pastikan lokasi menyala.", -1)'],
  ['label: "Cancel"', 'label: "Batal"'],
  ['label: "Save location"', 'label: "Simpan lokasi"'],
  ['[GEOPOINT_ACCURACY_QUALITY.GOOD]: "Good accuracy"', '[GEOPOINT_ACCURACY_QUALITY.GOOD]: "Akurasi baik"'],
  ['[GEOPOINT_ACCURACY_QUALITY.ACCEPTABLE]: "Good accuracy"', '[GEOPOINT_ACCURACY_QUALITY.ACCEPTABLE]: "Akurasi baik"'],
  ['[GEOPOINT_ACCURACY_QUALITY.POOR]: "Poor accuracy"', '[GEOPOINT_ACCURACY_QUALITY.POOR]: "Akurasi buruk"'],
  ['[GEOPOINT_ACCURACY_QUALITY.UNKNOWN]: "Unknown accuracy"', '[GEOPOINT_ACCURACY_QUALITY.UNKNOWN]: "Akurasi tidak diketahui"'],
  ['createElementVNode("span", null, "Try again", -1)', 'createElementVNode("span", null, "Coba lagi", -1)'],
  ['DETAILS_SUMMARY_LABEL: "Technical error details"', 'DETAILS_SUMMARY_LABEL: "Rincian teknis"'],
];

// primeVueLocale is PrimeVue's locale in Indonesian: the date picker's months, days and
// buttons and the dropdowns' empty messages. PrimeVue, which Web Forms draws with, takes
// it through its own configuration (entry.js sets it).
export const primeVueLocale = {
  dayNames: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  dayNamesShort: ['Min', 'Sen', 'Sel', 'Rab', 'Kam', 'Jum', 'Sab'],
  dayNamesMin: ['Mg', 'Sn', 'Sl', 'Rb', 'Km', 'Jm', 'Sb'],
  monthNames: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  monthNamesShort: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  firstDayOfWeek: 1,
  today: 'Hari ini',
  clear: 'Hapus',
  weekHeader: 'Mg',
  chooseYear: 'Pilih tahun',
  chooseMonth: 'Pilih bulan',
  chooseDate: 'Pilih tanggal',
  prevDecade: 'Dekade sebelumnya',
  nextDecade: 'Dekade berikutnya',
  prevYear: 'Tahun sebelumnya',
  nextYear: 'Tahun berikutnya',
  prevMonth: 'Bulan sebelumnya',
  nextMonth: 'Bulan berikutnya',
  accept: 'Ya',
  reject: 'Tidak',
  cancel: 'Batal',
  emptyFilterMessage: 'Tidak ada yang cocok',
  emptySearchMessage: 'Tidak ada yang cocok',
  emptyMessage: 'Tidak ada pilihan',
  searchMessage: '{0} hasil',
  selectionMessage: '{0} dipilih',
  emptySelectionMessage: 'Belum ada yang dipilih',
};
