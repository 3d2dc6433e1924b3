/*
 * What the check-in form captures on a phone (used by field.js on the today page):
 * - Location: the phone's position, found as soon as the page opens, checked against the
 *   chosen site's fence with the rule of eoms/fieldwork/geofence.py (the fence's radius,
 *   widened by the reported accuracy up to the tolerance); asks for a reason outside the
 *   fence or without a position.
 * - Photos: the shots taken (camera, several at a time) with previews; JPEGs over 1.5 MB are
 *   shrunk to 2560 px (quality 0.85) to spare a weak signal, keeping their EXIF (capture
 *   time, GPS) with the orientation set upright. Other formats (HEIC …) go as they are.
 * Texts come from the page's translated strings (T), never from this file.
 */
(function () {
  "use strict";

  var MAX_EDGE = 2560;
  var JPEG_QUALITY = 0.85;
  var SHRINK_ABOVE_BYTES = 1536 * 1024;
  var LOCATION_WAIT_MS = 4000;

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] !== undefined ? values[name] : all;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /* --- the phone's position against the site's fence ------------------------------------ */

  function distanceM(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180;
    var dLat = (lat2 - lat1) * rad;
    var dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(lat1 * rad) *
      Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  function Location(form, T, tolerance) {
    this.form = form;
    this.T = T;
    this.tolerance = tolerance;
    this.state = "idle";  // locating | fixed | denied | none
    this.fix = null;
    this.box = form.querySelector("[data-location]");
    this.text = form.querySelector("[data-location-text]");
    this.again = form.querySelector("[data-relocate]");
    this.reason = form.querySelector("[data-reason]");
    this.waiters = [];
    var self = this;
    this.again.addEventListener("click", function () { self.locate(); });
  }

  Location.prototype.locate = function () {
    var self = this;
    if (!navigator.geolocation) {
      this.settle("none", null);
      return;
    }
    this.state = "locating";
    this.render();
    navigator.geolocation.getCurrentPosition(function (position) {
      self.settle("fixed", position.coords);
    }, function (error) {
      self.settle(error.code === 1 ? "denied" : "none", null);
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  };

  Location.prototype.settle = function (state, coords) {
    this.state = state;
    this.fix = coords ? { lat: coords.latitude, lon: coords.longitude,
                          acc: Math.round(coords.accuracy || 0) } : null;
    this.apply();
    this.waiters.splice(0).forEach(function (resolve) { resolve(); });
  };

  /* The position into the form's hidden fields (again after the form was reset). */
  Location.prototype.apply = function () {
    var form = this.form;
    form.elements.latitude.value = this.fix ? this.fix.lat.toFixed(6) : "";
    form.elements.longitude.value = this.fix ? this.fix.lon.toFixed(6) : "";
    form.elements.accuracy.value = this.fix ? String(this.fix.acc) : "";
    this.render();
  };

  /* Whether the reason field is asked for (outside the fence, or no position). */
  Location.prototype.asksReason = function () {
    return !this.reason.hidden;
  };

  /* Resolves once the position is known, or after a short wait (then without it). */
  Location.prototype.ready = function () {
    var self = this;
    if (this.state !== "locating") {
      return Promise.resolve();
    }
    return new Promise(function (resolve) {
      self.waiters.push(resolve);
      setTimeout(resolve, LOCATION_WAIT_MS);
    });
  };

  Location.prototype.status = function () {
    if (this.state === "locating" || this.state === "idle") {
      return { kind: "locating", text: this.T.locating };
    }
    if (!this.fix) {
      return { kind: "none", text: this.state === "denied" ? this.T.denied : this.T.noLocation };
    }
    var option = this.form.elements.site.selectedOptions[0];
    var accuracy = format(this.T.accuracy, { accuracy: this.fix.acc });
    if (!option || !option.value) {
      return { kind: "fixed", text: accuracy };
    }
    var lat = parseFloat(option.getAttribute("data-lat"));
    var lon = parseFloat(option.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) {
      return { kind: "nofence", text: this.T.noFence };
    }
    var distance = distanceM(this.fix.lat, this.fix.lon, lat, lon);
    var radius = parseFloat(option.getAttribute("data-radius")) || 0;
    if (distance <= radius + Math.min(this.fix.acc, this.tolerance)) {
      return { kind: "inside", text: this.T.inside + " · " + accuracy };
    }
    return { kind: "outside", text: format(this.T.outside, { distance: Math.round(distance) }) };
  };

  Location.prototype.render = function () {
    var status = this.status();
    this.box.className = "fw-location mb-3 is-" + status.kind;
    this.box.setAttribute("data-location", status.kind);
    this.text.textContent = status.text;
    this.again.hidden = status.kind === "locating";
    var ask = status.kind === "none" || status.kind === "outside";
    this.reason.hidden = !ask && !this.reason.querySelector(".is-invalid");
  };

  /* --- photos: previews, and large JPEGs shrunk with their EXIF kept ---------------------- */

  function jpegExif(file) {
    return file.slice(0, 131072).arrayBuffer().then(function (buffer) {
      var view = new DataView(buffer);
      if (view.byteLength < 4 || view.getUint16(0) !== 0xFFD8) {
        return null;
      }
      var offset = 2;
      while (offset + 4 <= view.byteLength) {
        var marker = view.getUint16(offset);
        var length = view.getUint16(offset + 2);
        if (marker === 0xFFE1 && offset + 2 + length <= view.byteLength &&
            view.getUint32(offset + 4) === 0x45786966) {  // "Exif"
          return uprightExif(new Uint8Array(buffer.slice(offset, offset + 2 + length)));
        }
        if (marker === 0xFFDA || (marker & 0xFF00) !== 0xFF00) {
          return null;
        }
        offset += 2 + length;
      }
      return null;
    }).catch(function () { return null; });
  }

  /* The canvas already turned the picture upright: its EXIF must say so (orientation 1). */
  function uprightExif(segment) {
    var view = new DataView(segment.buffer);
    var tiff = 10;
    var little = view.getUint16(tiff) === 0x4949;
    var ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > segment.length) {
      return segment;
    }
    var count = view.getUint16(ifd, little);
    for (var i = 0; i < count; i++) {
      var entry = ifd + 2 + i * 12;
      if (entry + 12 > segment.length) {
        break;
      }
      if (view.getUint16(entry, little) === 0x0112) {
        view.setUint16(entry + 8, 1, little);
      }
    }
    return segment;
  }

  function withExif(jpeg, exif) {
    if (!exif) {
      return Promise.resolve(jpeg);
    }
    return jpeg.slice(0, 6).arrayBuffer().then(function (head) {
      var view = new DataView(head);
      // After SOI and the canvas's JFIF header (APP0), as cameras write it.
      var at = view.getUint16(2) === 0xFFE0 ? 4 + view.getUint16(4) : 2;
      return new Blob([jpeg.slice(0, at), exif, jpeg.slice(at)], { type: "image/jpeg" });
    });
  }

  function shrink(file) {
    if (file.type !== "image/jpeg" || file.size <= SHRINK_ABOVE_BYTES || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY);
      });
    }).then(function (smaller) {
      if (!smaller || smaller.size >= file.size) {
        return file;
      }
      return jpegExif(file).then(function (exif) { return withExif(smaller, exif); })
        .then(function (blob) {
          return new File([blob], file.name || "photo.jpg", { type: "image/jpeg",
                                                              lastModified: file.lastModified });
        });
    }).catch(function () { return file; });  // cannot decode here (HEIC …): the server will
  }

  function Photos(form, T, limit) {
    this.T = T;
    this.limit = limit;
    this.items = [];
    this.input = form.querySelector("input[name=photos]");
    this.grid = form.querySelector("[data-previews]");
    this.count = form.querySelector("[data-photo-count]");
    this.hint = this.count.textContent;
    var self = this;
    this.input.addEventListener("change", function () {
      Array.prototype.forEach.call(self.input.files, function (file) { self.add(file); });
      self.input.value = "";
      self.render();
    });
  }

  Photos.prototype.add = function (file) {
    if (this.items.length >= this.limit) {
      this.full = true;
      return;
    }
    this.items.push({ file: file, url: URL.createObjectURL(file), ready: shrink(file) });
  };

  Photos.prototype.clear = function () {
    this.items.forEach(function (item) { URL.revokeObjectURL(item.url); });
    this.items = [];
    this.render();
  };

  Photos.prototype.render = function () {
    var self = this;
    this.grid.textContent = "";
    this.items.forEach(function (item, index) {
      var box = el("div", "fw-preview");
      var img = el("img");
      img.src = item.url;
      img.alt = "";
      var remove = el("button", "btn btn-icon fw-preview-remove", "×");
      remove.type = "button";
      remove.setAttribute("aria-label", self.T.removePhoto);
      remove.addEventListener("click", function () {
        URL.revokeObjectURL(item.url);
        self.items.splice(index, 1);
        self.full = false;
        self.render();
      });
      box.appendChild(img);
      box.appendChild(remove);
      self.grid.appendChild(box);
    });
    var text = this.items.length ? format(this.T.photos, { count: this.items.length }) : this.hint;
    if (this.full) {
      text += " " + format(this.T.tooManyPhotos, { count: this.limit });
    }
    this.count.textContent = text;
  };

  Photos.prototype.files = function () {
    return Promise.all(this.items.map(function (item) { return item.ready; }));
  };

  window.EomsCapture = { Location: Location, Photos: Photos, shrink: shrink,
                         distanceM: distanceM, format: format, el: el };
})();
