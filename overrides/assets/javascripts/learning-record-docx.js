/* hb.docx: a Word document (.docx) made in the browser from a list of blocks, for "Download for a
 * meeting" on the learning record. Loaded by learning-record.js only when that button is pressed,
 * so no other page pays for it; nothing is sent anywhere and nothing comes from another host.
 *
 * A .docx is a ZIP of XML files (Office Open XML, ECMA-376). This writes a small package Word and
 * LibreOffice open: [Content_Types].xml, _rels/.rels, word/document.xml, word/styles.xml,
 * word/settings.xml (without it Word opens the file in "Compatibility Mode", as a Word 2007
 * document), docProps/core.xml (the document's title, which a PDF made from it keeps) and
 * word/_rels/document.xml.rels, stored uncompressed (a record is a few kilobytes of text).
 * tests/test_learning_record_docx.py checks the package against what Word is strict about and opens it in
 * LibreOffice.
 *
 * blocks: [{type: "title" | "h1" | "h2" | "h3" | "p" | "label" | "muted", text},
 *          {type: "table", head: [text], rows: [[text]]}]
 * Every word in it comes from the blocks and the style names the caller gives (learning-record.js,
 * from data/ui.yml); this file holds none of its own.
 * Every text is escaped for XML, characters XML cannot hold are dropped, line breaks kept. */
(function () {
  "use strict";

  /* ---- ZIP (store only) */
  var CRC_TABLE = (function () {
    var t = new Uint32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      t[n] = c >>> 0;
    }
    return t;
  })();

  function crc32(bytes) {
    var c = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  }

  function utf8(s) { return new TextEncoder().encode(s); }

  /* files: [{name, text}] -> Uint8Array of a ZIP archive, entries stored (method 0) */
  function zip(files, when) {
    var d = when || new Date();
    var time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
    var date = ((Math.max(d.getFullYear(), 1980) - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
    var parts = [], central = [], offset = 0;
    files.forEach(function (f) {
      var name = utf8(f.name), data = utf8(f.text), crc = crc32(data);
      var local = new DataView(new ArrayBuffer(30));
      local.setUint32(0, 0x04034b50, true);
      local.setUint16(4, 20, true);          /* version needed */
      local.setUint16(6, 0x0800, true);      /* names are UTF-8 */
      local.setUint16(8, 0, true);           /* stored */
      local.setUint16(10, time, true);
      local.setUint16(12, date, true);
      local.setUint32(14, crc, true);
      local.setUint32(18, data.length, true);
      local.setUint32(22, data.length, true);
      local.setUint16(26, name.length, true);
      local.setUint16(28, 0, true);
      var cen = new DataView(new ArrayBuffer(46));
      cen.setUint32(0, 0x02014b50, true);
      cen.setUint16(4, 20, true);
      cen.setUint16(6, 20, true);
      cen.setUint16(8, 0x0800, true);
      cen.setUint16(10, 0, true);
      cen.setUint16(12, time, true);
      cen.setUint16(14, date, true);
      cen.setUint32(16, crc, true);
      cen.setUint32(20, data.length, true);
      cen.setUint32(24, data.length, true);
      cen.setUint16(28, name.length, true);
      cen.setUint32(42, offset, true);
      parts.push(new Uint8Array(local.buffer), name, data);
      central.push(new Uint8Array(cen.buffer), name);
      offset += 30 + name.length + data.length;
    });
    var size = central.reduce(function (n, p) { return n + p.length; }, 0);
    var end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, files.length, true);
    end.setUint16(10, files.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, offset, true);
    var all = parts.concat(central, [new Uint8Array(end.buffer)]);
    var out = new Uint8Array(offset + size + 22), at = 0;
    all.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  /* ---- WordprocessingML */
  var W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

  function esc(s) {
    return String(s)
      /* characters XML 1.0 cannot hold (controls other than tab and line breaks, lone surrogates) */
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
      /* a surrogate pair (an emoji) is kept whole; a lone half of one, which the browser would
       * write as U+FFFD, is dropped, however many come in a row */
      .replace(/[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]/g, function (m) { return m.length === 2 ? m : ""; })
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }

  /* A run of text: line breaks become <w:br/>, tabs <w:tab/>. */
  function runs(text, props) {
    var rpr = props ? "<w:rPr>" + props + "</w:rPr>" : "";
    return String(text).replace(/\r\n?/g, "\n").split("\n").map(function (line, i) {
      var bits = line.split("\t").map(function (t) { return '<w:t xml:space="preserve">' + esc(t) + "</w:t>"; }).join("<w:tab/>");
      return "<w:r>" + rpr + (i ? "<w:br/>" : "") + bits + "</w:r>";
    }).join("");
  }

  var STYLE = { title: "Title", h1: "Heading1", h2: "Heading2", h3: "Heading3", label: "Label", muted: "Muted" };

  function para(b) {
    var style = STYLE[b.type];
    return "<w:p>" + (style ? '<w:pPr><w:pStyle w:val="' + style + '"/></w:pPr>' : "") + runs(b.text || "") + "</w:p>";
  }

  function table(b) {
    var cols = b.head.length, width = Math.floor(9000 / cols);
    var border = '<w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/>' +
      '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/>' +
      '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/>';
    function row(cells, head) {
      return "<w:tr>" + (head ? "<w:trPr><w:tblHeader/></w:trPr>" : "") + cells.map(function (c) {
        return '<w:tc><w:tcPr><w:tcW w:w="' + width + '" w:type="dxa"/></w:tcPr><w:p>' + runs(c, head ? "<w:b/>" : "") + "</w:p></w:tc>";
      }).join("") + "</w:tr>";
    }
    var grid = "";
    for (var i = 0; i < cols; i++) grid += '<w:gridCol w:w="' + width + '"/>';
    return '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders>' + border + "</w:tblBorders></w:tblPr>" +
      "<w:tblGrid>" + grid + "</w:tblGrid>" + row(b.head, true) + b.rows.map(function (r) { return row(r, false); }).join("") +
      "</w:tbl><w:p/>";
  }

  function documentXml(blocks) {
    var body = blocks.map(function (b) { return b.type === "table" ? table(b) : para(b); }).join("");
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ' + W + "><w:body>" + body +
      '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>' +
      "</w:body></w:document>";
  }

  function style(id, name, pPr, rPr, extra) {
    return '<w:style w:type="paragraph" w:styleId="' + id + '"><w:name w:val="' + name + '"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/>' +
      (extra || "") + "<w:pPr>" + pPr + "</w:pPr><w:rPr>" + rPr + "</w:rPr></w:style>";
  }

  /* names: the names Word lists the handbook's own two styles by ({label, muted}), in the page's
   * language (data/ui.yml: learning-record.script.docx-style-label and docx-style-note); lang: the
   * language the text is in (the page's, hb.language()), for Word's spelling and grammar */
  function styles(names, lang) {
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles ' + W + ">" +
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="' + esc(lang) + '"/></w:rPr></w:rPrDefault>' +
    '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>' +
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>' +
    style("Title", "Title", '<w:spacing w:after="120"/>', '<w:b/><w:sz w:val="40"/><w:szCs w:val="40"/>', "<w:qFormat/>") +
    style("Heading1", "heading 1", '<w:keepNext/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/>', '<w:b/><w:sz w:val="32"/><w:szCs w:val="32"/>', "<w:qFormat/>") +
    style("Heading2", "heading 2", '<w:keepNext/><w:spacing w:before="240" w:after="80"/><w:outlineLvl w:val="1"/>', '<w:b/><w:sz w:val="26"/><w:szCs w:val="26"/>', "<w:qFormat/>") +
    style("Heading3", "heading 3", '<w:keepNext/><w:spacing w:before="200" w:after="60"/><w:outlineLvl w:val="2"/>', '<w:b/><w:sz w:val="23"/><w:szCs w:val="23"/>', "<w:qFormat/>") +
    style("Label", esc(names.label), '<w:keepNext/><w:spacing w:before="120" w:after="40"/>', '<w:b/><w:color w:val="404040"/>') +
    style("Muted", esc(names.muted), "", '<w:i/><w:color w:val="595959"/>') +
    "</w:styles>";
  }

  var CONTENT_TYPES = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>' +
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>' +
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>' +
    "</Types>";

  var RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    "</Relationships>";

  var DOC_RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>' +
    "</Relationships>";

  /* compatibilityMode 15: lay the document out as Word 2013 and later do, not in Compatibility Mode */
  var SETTINGS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings ' + W + ">" +
    '<w:defaultTabStop w:val="720"/><w:compat>' +
    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>' +
    "</w:compat></w:settings>";

  /* The title and language, and when it was made (no author: the name is in the title if given) */
  function coreXml(title, lang, when) {
    var d = (when || new Date()).toISOString().replace(/\.\d+Z$/, "Z");
    return '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
      'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      "<dc:title>" + esc(title) + "</dc:title><dc:language>" + esc(lang) + "</dc:language>" +
      '<dcterms:created xsi:type="dcterms:W3CDTF">' + d + "</dcterms:created>" +
      '<dcterms:modified xsi:type="dcterms:W3CDTF">' + d + "</dcterms:modified>" +
      "</cp:coreProperties>";
  }

  window.hb = window.hb || {};
  window.hb.docx = {
    TYPE: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    /* blocks (and the names of the two styles of its own, {label, muted}, and the language of the
     * text, "en" if not given) -> Blob of a .docx */
    build: function (blocks, names, lang) {
      lang = lang || "en";
      var title = blocks.filter(function (b) { return b.type === "title"; })[0];
      var bytes = zip([
        { name: "[Content_Types].xml", text: CONTENT_TYPES },
        { name: "_rels/.rels", text: RELS },
        { name: "docProps/core.xml", text: coreXml(title ? title.text : "", lang) },
        { name: "word/document.xml", text: documentXml(blocks) },
        { name: "word/styles.xml", text: styles(names || { label: "Label", muted: "Muted" }, lang) },
        { name: "word/settings.xml", text: SETTINGS },
        { name: "word/_rels/document.xml.rels", text: DOC_RELS }
      ]);
      return new Blob([bytes], { type: this.TYPE });
    },
    zip: zip,
    crc32: crc32
  };
})();
