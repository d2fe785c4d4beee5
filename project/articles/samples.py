"""Sample Italian articles for the demo site (written for this project)."""

SAMPLE_ARTICLES = [
    {
        "slug": "nuova-pista-ciclabile-lungo-il-fiume",
        "title": "Nuova pista ciclabile lungo il fiume: aperto il primo tratto",
        "author": "Giulia Ferri",
        "summary": "Tre chilometri tra il ponte vecchio e il parco urbano, con illuminazione "
        "a led e due punti di ricarica per le bici elettriche.",
        "body": "È stato inaugurato ieri mattina il primo tratto della pista ciclabile che "
        "costeggia il fiume. Il percorso, lungo circa tre chilometri, collega il ponte vecchio "
        "al parco urbano e sarà completato entro la prossima primavera.\n\n"
        "Secondo l'assessorato alla mobilità, il tracciato è pensato soprattutto per chi va "
        "al lavoro o a scuola in bicicletta. Lungo il percorso sono stati installati lampioni "
        "a led, rastrelliere e due colonnine per la ricarica delle bici elettriche.\n\n"
        "Non sono mancate le critiche: alcuni commercianti della zona lamentano la perdita "
        "di una quarantina di posti auto.",
    },
    {
        "slug": "mercato-coperto-riapre-dopo-i-lavori",
        "title": "Il mercato coperto riapre dopo due anni di lavori",
        "author": "Marco Rinaldi",
        "summary": "Quaranta banchi, un'area per i produttori locali e orari prolungati il sabato.",
        "body": "Dopo due anni di cantiere, il mercato coperto di piazza Garibaldi riapre "
        "sabato. La struttura ottocentesca è stata consolidata e dotata di un nuovo impianto "
        "di ventilazione.\n\n"
        "I banchi saranno quaranta, dieci dei quali riservati ai produttori agricoli della "
        "provincia. Il sabato il mercato resterà aperto fino alle 20.",
    },
    {
        "slug": "biblioteca-comunale-apertura-serale",
        "title": "La biblioteca comunale resta aperta anche la sera",
        "author": "Sara Colombo",
        "summary": "Da lunedì sale studio aperte fino alle 23 durante la sessione d'esami.",
        "body": "La biblioteca comunale prolunga l'orario: dal lunedì al venerdì le sale "
        "studio resteranno aperte fino alle 23 per tutta la sessione d'esami invernale.\n\n"
        "Il servizio è gestito insieme alle associazioni studentesche, che hanno raccolto "
        "oltre mille firme per chiedere più spazi dove studiare.",
    },
    {
        "slug": "derby-finisce-in-parita",
        "title": "Il derby finisce in parità tra le polemiche",
        "author": "Luca Marchetti",
        "summary": "Un rigore negato al novantesimo accende la discussione tra i tifosi.",
        "body": "Uno a uno al termine di una partita nervosa. Il vantaggio dei padroni di "
        "casa, arrivato su calcio d'angolo, è stato pareggiato a metà ripresa.\n\n"
        "Al novantesimo l'arbitro ha lasciato correre su un contatto in area che ha fatto "
        "discutere: gli allenatori hanno chiesto, a fine gara, toni più sereni sui social.",
    },
]
