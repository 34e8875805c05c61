// Test-only: print every sheet of an .xlsx as SheetJS reads it, as JSON
// {"sheets": [{"name", "state", "cells": {"A1": {"t", "v"}}}]}: t is SheetJS's type (s, n, b, d, e),
// v the value (dates as ISO text). Usage: node read.js FILE
const XLSX = require("xlsx");
const book = XLSX.readFile(process.argv[2], { cellDates: true, cellFormula: true });
const sheets = book.SheetNames.map((name, index) => {
  const ws = book.Sheets[name];
  const cells = {};
  for (const address of Object.keys(ws)) {
    if (address[0] === "!") continue;
    const cell = ws[address];
    if (cell.t === "z") continue;
    const value = cell.t === "d" ? cell.v.toISOString() : cell.v;
    cells[address] = { t: cell.t, v: value, f: cell.f || null };
  }
  const state = (book.Workbook && book.Workbook.Sheets && book.Workbook.Sheets[index].Hidden) || 0;
  return { name, state, cells };
});
process.stdout.write(JSON.stringify({ sheets }));
