// joinedup's only script. Every page works without it: it only lets the
// NHS.UK design system's components enhance what the server already rendered
// (error summary focus, header menu, character counts and the like).
//
// It is loaded as <script type="module">, which runs after the document is
// parsed and only in browsers the design system supports. The design system
// expects an inline snippet to mark <body> as supported; our Content
// Security Policy forbids inline script, so that happens here instead.
//
// './nhsuk.js' is a logical name: the asset generator rewrites it to the
// hashed file name of nhsuk-frontend's module.
import { initAll } from './nhsuk-frontend.a2a772e7.min.js';

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
initAll();
